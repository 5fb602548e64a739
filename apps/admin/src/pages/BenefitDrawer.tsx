import { useEffect, useState } from 'react';
import { App, Col, Divider, Form, Input, InputNumber, Radio, Row, Select, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { benefitInputSchema, benefitTypes, usagePeriods, type Benefit, type BenefitType, type UsagePeriod } from '@hearth/contracts/benefits';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import { api, ApiError } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { benefitErrorText } from './benefit-text.ts';
import { FormDrawer } from '../layout/FormDrawer.tsx';

interface BenefitForm {
  code?: string;
  name?: string;
  name_en?: string | null;
  description?: string | null;
  status: 'active' | 'paused';
  type: BenefitType;
  limit_period?: UsagePeriod | null;
  limit_uses?: number | null;
  value_yuan?: string;
  mode: 'percent' | 'fixed';
  percent_off?: number | null;
  amount_yuan?: string;
  cap_yuan?: string;
  min_spend_yuan?: string;
  categories: string[];
  skus: string[];
  stackable: boolean;
  multiplier?: number | null;
  service?: string;
  hours?: number | null;
  gift_kind: 'coupon' | 'points';
  template_id?: string | null;
  quantity?: number | null;
  points?: number | null;
  partner_id?: string;
  partner_config_text?: string;
  detail?: string;
}

// Where an error on the sent body shows in the form: amounts are typed in ¥, percentages in %.
const fieldOf: Record<string, keyof BenefitForm> = {
  'config.percent_off_bp': 'percent_off',
  'config.amount_fen': 'amount_yuan',
  'config.cap_fen': 'cap_yuan',
  'config.min_spend_fen': 'min_spend_yuan',
  'config.gift.template_id': 'template_id',
  'config.gift.quantity': 'quantity',
  'config.gift.points': 'points',
  'config.partner_config': 'partner_config_text',
  'usage_limit.period': 'limit_period',
  'usage_limit.uses': 'limit_uses',
  value_fen: 'value_yuan',
};
const yuanText = (fen: number | null | undefined) => (fen ? formatFen(fen).replace(/[¥,]/g, '') : undefined);
const emptyForm = (): BenefitForm => ({ status: 'active', type: 'discount', mode: 'percent', categories: [], skus: [], stackable: false, gift_kind: 'coupon', quantity: 1, partner_config_text: '{}' });

function toForm(b: Benefit): BenefitForm {
  const base: BenefitForm = { ...emptyForm(), code: b.code, name: b.name, name_en: b.name_en, description: b.description, status: b.status, type: b.type, limit_period: b.usage_limit?.period ?? null, limit_uses: b.usage_limit?.uses ?? null, value_yuan: yuanText(b.value_fen) };
  const c = b.config;
  switch (c.type) {
    case 'discount':
      return { ...base, mode: c.mode, percent_off: c.percent_off_bp ? c.percent_off_bp / 100 : null, amount_yuan: yuanText(c.amount_fen), cap_yuan: yuanText(c.cap_fen), min_spend_yuan: yuanText(c.min_spend_fen), categories: c.categories, skus: c.skus, stackable: c.stackable };
    case 'points_multiplier':
      return { ...base, multiplier: c.multiplier };
    case 'free_shipping':
      return { ...base, min_spend_yuan: yuanText(c.min_spend_fen) };
    case 'free_service':
      return { ...base, service: c.service };
    case 'priority_window':
      return { ...base, hours: c.hours, skus: c.skus };
    case 'birthday_gift':
      return c.gift.kind === 'coupon' ? { ...base, gift_kind: 'coupon', template_id: c.gift.template_id, quantity: c.gift.quantity } : { ...base, gift_kind: 'points', points: c.gift.points };
    case 'exclusive_access':
      return { ...base, skus: c.skus };
    case 'partner':
      return { ...base, partner_id: c.partner_id, partner_config_text: JSON.stringify(c.partner_config, null, 2) };
    case 'custom':
      return { ...base, detail: c.detail };
  }
}

/** Create or edit a benefit: the common fields, then the fields of its type. */
export function BenefitDrawer({ benefit, onClose, onSaved }: { benefit: Benefit | 'new' | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BenefitForm>();
  const [saving, setSaving] = useState(false);
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const type = Form.useWatch('type', form);
  const mode = Form.useWatch('mode', form);
  const giftKind = Form.useWatch('gift_kind', form);
  const isNew = benefit === 'new';

  useEffect(() => {
    if (!benefit) return;
    form.resetFields();
    form.setFieldsValue(benefit === 'new' ? emptyForm() : toForm(benefit));
  }, [benefit, form]);
  useEffect(() => {
    if (type === 'birthday_gift') void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), () => undefined);
  }, [type]);

  const showErrors = (errors: { field: string; message: string }[]) => form.setFields(errors.map((e) => ({ name: fieldOf[e.field] ?? ((e.field.replace(/^config\.(gift\.)?/, '') as keyof BenefitForm)), errors: [e.message] })));

  const submit = async () => {
    form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name as never, errors: [] })));
    const v = form.getFieldsValue(true) as BenefitForm;
    const errors: { field: string; message: string }[] = [];
    const fen = (field: keyof BenefitForm, text: string | undefined, required: boolean) => {
      if (!text?.trim()) {
        if (required) errors.push({ field, message: t('benefits.required') });
        return required ? undefined : null;
      }
      const value = yuanToFen(text);
      if (value === undefined) errors.push({ field, message: t('benefits.badYuan') });
      return value;
    };
    let partnerConfig: unknown = {};
    if (v.type === 'partner') {
      try {
        partnerConfig = JSON.parse(v.partner_config_text || '{}');
        if (typeof partnerConfig !== 'object' || partnerConfig === null || Array.isArray(partnerConfig)) throw new Error('not an object');
      } catch {
        errors.push({ field: 'partner_config_text', message: t('benefits.badJson') });
      }
    }
    const configs: Record<BenefitType, () => unknown> = {
      discount: () => ({ type: 'discount', mode: v.mode, percent_off_bp: v.mode === 'percent' && v.percent_off ? Math.round(v.percent_off * 100) : null, amount_fen: v.mode === 'fixed' ? fen('amount_yuan', v.amount_yuan, true) : null, cap_fen: v.mode === 'percent' ? fen('cap_yuan', v.cap_yuan, false) : null, min_spend_fen: fen('min_spend_yuan', v.min_spend_yuan, false) ?? 0, categories: v.categories, skus: v.skus, stackable: v.stackable }),
      points_multiplier: () => ({ type: 'points_multiplier', multiplier: v.multiplier }),
      free_shipping: () => ({ type: 'free_shipping', min_spend_fen: fen('min_spend_yuan', v.min_spend_yuan, false) ?? 0 }),
      free_service: () => ({ type: 'free_service', service: v.service }),
      priority_window: () => ({ type: 'priority_window', hours: v.hours, skus: v.skus }),
      birthday_gift: () => ({ type: 'birthday_gift', gift: v.gift_kind === 'coupon' ? { kind: 'coupon', template_id: v.template_id, quantity: v.quantity ?? 1 } : { kind: 'points', points: v.points } }),
      exclusive_access: () => ({ type: 'exclusive_access', skus: v.skus }),
      partner: () => ({ type: 'partner', partner_id: v.partner_id?.trim(), partner_config: partnerConfig }),
      custom: () => ({ type: 'custom', detail: v.detail ?? '' }),
    };
    const body = {
      code: v.code?.trim(),
      name: v.name?.trim(),
      name_en: v.name_en?.trim() || null,
      description: v.description?.trim() || null,
      status: v.status,
      usage_limit: v.limit_period || v.limit_uses ? { period: v.limit_period, uses: v.limit_uses } : null,
      value_fen: fen('value_yuan', v.value_yuan, false),
      config: configs[v.type](),
    };
    const parsed = benefitInputSchema.safeParse(body);
    // The schema's own messages are English: the form says what to fix in the operator's language.
    if (!parsed.success) errors.push(...parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.path[0] === 'code' ? t('benefits.codeHint') : i.code === 'invalid_type' || i.code === 'custom' || i.code === 'too_small' ? t('benefits.required') : i.message })));
    if (errors.length) return showErrors(errors);
    setSaving(true);
    try {
      if (isNew) await api('/benefits', { method: 'POST', body: parsed.data, idempotent: true });
      else await api(`/benefits/${(benefit as Benefit).id}`, { method: 'PUT', body: parsed.data, idempotent: true });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) showErrors(error.problem.errors);
      message.error(benefitErrorText(t, error));
    } finally {
      setSaving(false);
    }
  };

  const tagsSelect = (name: 'categories' | 'skus', label: string, extra?: string) => (
    <Form.Item name={name} label={label} extra={extra}>
      <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
    </Form.Item>
  );

  return (
    <FormDrawer title={isNew ? t('benefits.create') : t('benefits.edit')} open={benefit !== null} onClose={onClose} onSave={submit} saving={saving} saveTestId="benefit-save">
      <Form form={form} layout="vertical">
        <Row gutter={16}>
          <Col span={12}><Form.Item name="name" label={t('benefits.name')} required><Input maxLength={60} data-testid="benefit-name" /></Form.Item></Col>
          <Col span={12}><Form.Item name="code" label={t('benefits.code')} required extra={t('benefits.codeHint')}><Input maxLength={40} data-testid="benefit-code" /></Form.Item></Col>
          <Col span={12}><Form.Item name="name_en" label={t('benefits.nameEn')}><Input maxLength={60} /></Form.Item></Col>
          <Col span={12}><Form.Item name="status" label={t('benefits.status')}><Radio.Group optionType="button" options={(['active', 'paused'] as const).map((s) => ({ value: s, label: t(`benefits.statuses.${s}`) }))} /></Form.Item></Col>
        </Row>
        <Form.Item name="description" label={t('benefits.description')}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
        <Form.Item name="type" label={t('benefits.type')} extra={type ? t(`benefits.typeHints.${type}`) : undefined}>
          <Select options={benefitTypes.map((k) => ({ value: k, label: t(`benefits.types.${k}`) }))} data-testid="benefit-type" />
        </Form.Item>
        <Divider titlePlacement="start">{t('benefits.config')}</Divider>
        {type === 'discount' && (
          <Row gutter={16}>
            <Col span={24}><Form.Item name="mode" label={t('benefits.mode')}><Radio.Group optionType="button" options={(['percent', 'fixed'] as const).map((m) => ({ value: m, label: t(`benefits.modes.${m}`) }))} /></Form.Item></Col>
            {mode === 'percent' ? (
              <>
                <Col span={12}><Form.Item name="percent_off" label={t('benefits.percentOff')} required extra={t('benefits.percentHint')}><InputNumber min={0.01} max={100} precision={2} suffix="%" style={{ width: '100%' }} data-testid="benefit-percent" /></Form.Item></Col>
                <Col span={12}><Form.Item name="cap_yuan" label={t('benefits.cap')}><Input prefix="¥" placeholder={t('benefits.unlimited')} /></Form.Item></Col>
              </>
            ) : (
              <Col span={12}><Form.Item name="amount_yuan" label={t('benefits.amount')} required><Input prefix="¥" placeholder="5.00" /></Form.Item></Col>
            )}
            <Col span={12}><Form.Item name="min_spend_yuan" label={t('benefits.minSpend')}><Input prefix="¥" placeholder="0.00" /></Form.Item></Col>
            <Col span={12}>{tagsSelect('categories', t('benefits.categories'), t('benefits.scopeHint'))}</Col>
            <Col span={12}>{tagsSelect('skus', t('benefits.skus'))}</Col>
            <Col span={24}><Form.Item name="stackable" label={t('benefits.stackable')} extra={t('benefits.stackHint')} valuePropName="checked"><Switch /></Form.Item></Col>
          </Row>
        )}
        {type === 'points_multiplier' && <Form.Item name="multiplier" label={t('benefits.multiplier')} required><InputNumber min={1} max={10} step={0.5} precision={2} prefix="×" style={{ width: 200 }} /></Form.Item>}
        {type === 'free_shipping' && <Form.Item name="min_spend_yuan" label={t('benefits.minSpend')}><Input prefix="¥" placeholder="0.00" style={{ width: 200 }} /></Form.Item>}
        {type === 'free_service' && <Form.Item name="service" label={t('benefits.service')} required><Input maxLength={60} placeholder="咖啡品鉴" data-testid="benefit-service" /></Form.Item>}
        {type === 'priority_window' && (
          <>
            <Form.Item name="hours" label={t('benefits.hours')} required><InputNumber min={1} max={720} precision={0} style={{ width: 200 }} /></Form.Item>
            {tagsSelect('skus', t('benefits.windowSkus'))}
          </>
        )}
        {type === 'birthday_gift' && (
          <Row gutter={16}>
            <Col span={24}><Form.Item name="gift_kind" label={t('benefits.giftKind')}><Radio.Group optionType="button" options={(['coupon', 'points'] as const).map((k) => ({ value: k, label: t(`benefits.giftKinds.${k}`) }))} /></Form.Item></Col>
            {giftKind === 'coupon' ? (
              <>
                <Col span={16}><Form.Item name="template_id" label={t('benefits.template')} required><Select showSearch optionFilterProp="label" options={templates.map((x) => ({ value: x.id, label: x.name }))} /></Form.Item></Col>
                <Col span={8}><Form.Item name="quantity" label={t('benefits.quantity')}><InputNumber min={1} max={10} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
              </>
            ) : (
              <Col span={12}><Form.Item name="points" label={t('benefits.points')} required><InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
            )}
          </Row>
        )}
        {type === 'exclusive_access' && tagsSelect('skus', t('benefits.exclusiveSkus'))}
        {type === 'partner' && (
          <>
            <Form.Item name="partner_id" label={t('benefits.partnerId')} required><Input maxLength={36} /></Form.Item>
            <Form.Item name="partner_config_text" label={t('benefits.partnerConfig')}><Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} /></Form.Item>
          </>
        )}
        {type === 'custom' && <Form.Item name="detail" label={t('benefits.detail')}><Input.TextArea rows={3} maxLength={500} /></Form.Item>}
        <Divider titlePlacement="start">{t('benefits.limit')}</Divider>
        <Typography.Paragraph type="secondary">{t('benefits.limitHint')}</Typography.Paragraph>
        <Row gutter={16}>
          <Col span={8}><Form.Item name="limit_period" label={t('benefits.limitPeriod')}><Select allowClear placeholder={t('benefits.noLimit')} options={usagePeriods.map((p) => ({ value: p, label: t(`benefits.periods.${p}`) }))} data-testid="benefit-limit-period" /></Form.Item></Col>
          <Col span={8}><Form.Item name="limit_uses" label={t('benefits.limitUses')}><InputNumber min={1} max={100_000} precision={0} style={{ width: '100%' }} data-testid="benefit-limit-uses" /></Form.Item></Col>
          <Col span={8}><Form.Item name="value_yuan" label={t('benefits.value')} tooltip={t('benefits.valueHint')}><Input prefix="¥" placeholder="0.00" /></Form.Item></Col>
        </Row>
      </Form>
    </FormDrawer>
  );
}
