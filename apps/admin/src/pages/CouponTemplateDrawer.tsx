import { useEffect, useState } from 'react';
import { Alert, App, Checkbox, Col, ConfigProvider, DatePicker, Divider, Form, Input, InputNumber, Radio, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { couponKinds, couponTermsSchema, type CouponTemplate } from '@hearth/contracts/coupons';
import { orderChannels } from '@hearth/contracts/orders';
import type { Store } from '@hearth/contracts/stores';
import { api, ApiError, type Page } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { couponErrorText, zhe } from './coupon-text.ts';
import { FormDrawer } from '../layout/FormDrawer.tsx';

type Kind = CouponTemplate['terms']['kind'];
interface TemplateForm {
  name?: string;
  description?: string | null;
  stock_total?: number | null;
  kind: Kind;
  value_yuan?: string;
  min_spend_yuan?: string;
  percent_off?: number | null;
  cap_yuan?: string;
  free_sku?: string;
  free_qty?: number | null;
  validity: 'relative' | 'fixed';
  valid_days?: number | null;
  valid_range?: [Dayjs | null, Dayjs | null] | null;
  per_member_limit?: number | null;
  channels: string[];
  store_ids: string[];
  categories: string[];
  skus: string[];
  stackable_with_coupons: boolean;
  stackable_with_member_discounts: boolean;
}

// Where a term's error shows in the form: amounts are typed in ¥ and sent in fen, the percent in % and sent in basis points.
const fieldOf: Record<string, keyof TemplateForm> = {
  value_fen: 'value_yuan',
  min_spend_fen: 'min_spend_yuan',
  cap_fen: 'cap_yuan',
  percent_off_bp: 'percent_off',
  valid_from: 'valid_range',
  valid_until: 'valid_range',
};
const yuanText = (fen: number | null | undefined) => (fen ? formatFen(fen).replace(/[¥,]/g, '') : undefined);

/** Create or edit a coupon template; once a coupon of it was issued only its name and description change. */
export function CouponTemplateDrawer({ template, onClose, onSaved }: { template: CouponTemplate | 'new' | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateForm>();
  const [saving, setSaving] = useState(false);
  const [stores, setStores] = useState<Store[]>([]);
  const kind = Form.useWatch('kind', form);
  const validity = Form.useWatch('validity', form);
  const percentOff = Form.useWatch('percent_off', form);
  const isNew = template === 'new';
  const frozen = template !== null && template !== 'new' && template.in_use;

  useEffect(() => {
    if (!template) return;
    form.resetFields();
    form.setFieldsValue(template === 'new' ? emptyForm() : toForm(template));
    void api<Page<Store>>('/stores?limit=200&status=active').then((p) => setStores(p.data), () => undefined);
  }, [template, form]);

  const showErrors = (errors: { field: string; message: string }[]) =>
    form.setFields(errors.map((e) => {
      const key = e.field.replace(/^terms\./, '').split('.')[0]!;
      return { name: fieldOf[key] ?? (key as keyof TemplateForm), errors: [e.message] };
    }));

  const submit = async () => {
    form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name as never, errors: [] })));
    const v = form.getFieldsValue(true) as TemplateForm;
    const errors: { field: string; message: string }[] = [];
    if (!v.name?.trim()) errors.push({ field: 'name', message: t('coupons.required') });
    const fen = (field: keyof TemplateForm, text: string | undefined, required: boolean) => {
      if (!text?.trim()) {
        if (required) errors.push({ field, message: t('coupons.required') });
        return required ? undefined : 0;
      }
      const value = yuanToFen(text);
      if (value === undefined) errors.push({ field, message: t('coupons.badYuan') });
      return value;
    };
    const terms = {
      kind: v.kind,
      value_fen: v.kind === 'cash' ? fen('value_yuan', v.value_yuan, true) : null,
      percent_off_bp: v.kind === 'percent' && v.percent_off ? Math.round(v.percent_off * 100) : null,
      cap_fen: v.kind === 'percent' ? fen('cap_yuan', v.cap_yuan, true) : null,
      min_spend_fen: fen('min_spend_yuan', v.min_spend_yuan, false),
      free_sku: v.kind === 'free_item' ? v.free_sku?.trim() || null : null,
      free_qty: v.kind === 'free_item' ? (v.free_qty ?? 1) : null,
      valid_from: v.validity === 'fixed' ? (v.valid_range?.[0]?.format('YYYY-MM-DD') ?? null) : null,
      valid_until: v.validity === 'fixed' ? (v.valid_range?.[1]?.format('YYYY-MM-DD') ?? null) : null,
      valid_days: v.validity === 'relative' ? (v.valid_days ?? null) : null,
      per_member_limit: v.per_member_limit ?? null,
      channels: v.channels,
      store_ids: v.store_ids,
      categories: v.categories,
      skus: v.skus,
      stackable_with_coupons: v.stackable_with_coupons,
      stackable_with_member_discounts: v.stackable_with_member_discounts,
    };
    const parsed = couponTermsSchema.safeParse(terms);
    if (!frozen && !parsed.success) errors.push(...parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.code === 'invalid_type' ? t('coupons.required') : i.message })));
    if (errors.length) return showErrors(errors);
    const base = { name: v.name!.trim(), description: v.description?.trim() || null };
    setSaving(true);
    try {
      if (isNew) await api('/coupon-templates', { method: 'POST', body: { ...base, terms: parsed.data, stock_total: v.stock_total ?? null }, idempotent: true });
      else await api(`/coupon-templates/${(template as CouponTemplate).id}`, { method: 'PATCH', body: frozen ? base : { ...base, terms: parsed.data } });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) showErrors(error.problem.errors);
      message.error(couponErrorText(t, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer title={isNew ? t('coupons.create') : t('coupons.edit')} open={template !== null} onClose={onClose} onSave={submit} saving={saving} saveTestId="coupon-template-save">
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('coupons.name')} required>
          <Input maxLength={100} data-testid="coupon-template-name" />
        </Form.Item>
        <Form.Item name="description" label={t('coupons.description')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        {frozen && <Alert type="info" showIcon title={t('coupons.inUse')} style={{ marginBottom: 16 }} />}
        <ConfigProvider componentDisabled={frozen}>
          <Form.Item name="kind" label={t('coupons.kind')}>
            <Radio.Group optionType="button" options={couponKinds.map((k) => ({ value: k, label: t(`coupons.kinds.${k}`) }))} data-testid="coupon-template-kind" />
          </Form.Item>
          <Row gutter={16}>
            {kind === 'cash' && (
              <Col span={12}>
                <Form.Item name="value_yuan" label={t('coupons.cashAmount')} required>
                  <Input prefix="¥" placeholder="20.00" data-testid="coupon-template-value" />
                </Form.Item>
              </Col>
            )}
            {kind === 'percent' && (
              <>
                <Col span={12}>
                  <Form.Item name="percent_off" label={t('coupons.percentOff')} required extra={percentOff ? t('coupons.percentHint', { zhe: zhe(Math.round(percentOff * 100)) }) : undefined}>
                    <InputNumber min={0.01} max={100} precision={2} suffix="%" style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="cap_yuan" label={t('coupons.capAmount')} required>
                    <Input prefix="¥" placeholder="30.00" />
                  </Form.Item>
                </Col>
              </>
            )}
            {kind === 'free_item' && (
              <>
                <Col span={12}>
                  <Form.Item name="free_sku" label={t('coupons.freeSku')} required>
                    <Input maxLength={64} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="free_qty" label={t('coupons.freeQty')}>
                    <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </>
            )}
            <Col span={12}>
              <Form.Item name="min_spend_yuan" label={t('coupons.minSpendLabel')} extra={t('coupons.minSpendHint')}>
                <Input prefix="¥" placeholder="0.00" data-testid="coupon-template-min-spend" />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">{t('coupons.validity')}</Divider>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="validity" label={t('coupons.validityKind')}>
                <Radio.Group options={(['relative', 'fixed'] as const).map((k) => ({ value: k, label: t(`coupons.validityKinds.${k}`) }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              {validity === 'fixed' ? (
                <Form.Item name="valid_range" label={t('coupons.validRange')} required>
                  <DatePicker.RangePicker allowEmpty={[true, false]} style={{ width: '100%' }} />
                </Form.Item>
              ) : (
                <Form.Item name="valid_days" label={t('coupons.validDays')} required extra={t('coupons.validDaysHint')}>
                  <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} data-testid="coupon-template-days" />
                </Form.Item>
              )}
            </Col>
          </Row>
          <Row gutter={16}>
            {isNew && (
              <Col span={12}>
                <Form.Item name="stock_total" label={t('coupons.stockTotal')} extra={t('coupons.stockHint')}>
                  <InputNumber min={0} max={100_000_000} precision={0} style={{ width: '100%' }} placeholder={t('coupons.unlimited')} data-testid="coupon-template-stock" />
                </Form.Item>
              </Col>
            )}
            <Col span={12}>
              <Form.Item name="per_member_limit" label={t('coupons.perMemberLimit')} extra={t('coupons.perMemberHint')}>
                <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} placeholder={t('coupons.unlimited')} />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">{t('coupons.scope')}</Divider>
          <Form.Item name="channels" label={t('coupons.channels')}>
            <Select mode="multiple" allowClear placeholder={t('coupons.allChannels')} options={orderChannels.map((c) => ({ value: c, label: t(`members.channels.${c}`) }))} />
          </Form.Item>
          <Form.Item name="store_ids" label={t('coupons.stores')}>
            <Select mode="multiple" allowClear optionFilterProp="label" placeholder={t('coupons.allStores')} options={stores.map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))} />
          </Form.Item>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="categories" label={t('coupons.categories')} extra={t('coupons.scopeHint')}>
                <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="skus" label={t('coupons.skus')}>
                <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">{t('coupons.stacking')}</Divider>
          <Form.Item name="stackable_with_coupons" valuePropName="checked" style={{ marginBottom: 4 }}>
            <Checkbox>{t('coupons.stackCoupons')}</Checkbox>
          </Form.Item>
          <Form.Item name="stackable_with_member_discounts" valuePropName="checked">
            <Checkbox>{t('coupons.stackMember')}</Checkbox>
          </Form.Item>
        </ConfigProvider>
      </Form>
    </FormDrawer>
  );
}

function emptyForm(): TemplateForm {
  return { kind: 'cash', validity: 'relative', valid_days: 30, channels: [], store_ids: [], categories: [], skus: [], stackable_with_coupons: false, stackable_with_member_discounts: true, stock_total: null };
}

function toForm(template: CouponTemplate): TemplateForm {
  const terms = template.terms;
  return {
    name: template.name,
    description: template.description,
    kind: terms.kind,
    value_yuan: yuanText(terms.value_fen),
    min_spend_yuan: yuanText(terms.min_spend_fen),
    percent_off: terms.percent_off_bp ? terms.percent_off_bp / 100 : null,
    cap_yuan: yuanText(terms.cap_fen),
    free_sku: terms.free_sku ?? undefined,
    free_qty: terms.free_qty,
    validity: terms.valid_days ? 'relative' : 'fixed',
    valid_days: terms.valid_days,
    valid_range: terms.valid_until ? [terms.valid_from ? dayjs(terms.valid_from) : null, dayjs(terms.valid_until)] : null,
    per_member_limit: terms.per_member_limit,
    channels: terms.channels,
    store_ids: terms.store_ids,
    categories: terms.categories,
    skus: terms.skus,
    stackable_with_coupons: terms.stackable_with_coupons,
    stackable_with_member_discounts: terms.stackable_with_member_discounts,
  };
}
