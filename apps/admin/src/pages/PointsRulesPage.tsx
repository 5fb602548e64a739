import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import { Alert, App, AutoComplete, Button, Card, Col, DatePicker, Empty, Form, Input, InputNumber, Radio, Row, Select, Space, Statistic, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { CalculatorOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { orderChannels } from '@hearth/contracts/orders';
import type { Product } from '@hearth/contracts/products';
import { earningRulesSchema, type EarningExplanation, type EarningRules, type EarningRuleVersion } from '@hearth/contracts/points';
import { api, ApiError, type Page } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';

type RulesForm = Omit<EarningRules, 'min_order_fen'> & { min_order_yuan?: string; effective_from?: Dayjs; note?: string };
interface SampleForm {
  channel: (typeof orderChannels)[number];
  shipping_yuan?: string;
  lines: { sku?: string; qty?: number; unit_yuan?: string; discount_yuan?: string; flags?: string[] }[];
}
type FieldError = { path: (string | number)[]; message: string };
type Catalogue = { products: Pick<Product, 'sku' | 'name' | 'list_price_fen'>[]; categories: string[] };

const defaultRules = earningRulesSchema.parse({ base_points_per_yuan: 1 });
const roundings = ['floor', 'round', 'ceil'] as const;

/** Earning rule versions, an editor for the next one and a preview of a sample order under the draft. */
export function PointsRulesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [versions, setVersions] = useState<EarningRuleVersion[] | null>(null);
  const [form] = Form.useForm<RulesForm>();
  const [saving, setSaving] = useState(false);
  const [catalogue, setCatalogue] = useState<Catalogue>({ products: [], categories: [] });

  const edit = useCallback((rules: EarningRules) => form.setFieldsValue(toForm(rules)), [form]);
  const load = useCallback(
    (fillEditor: boolean) =>
      api<{ data: EarningRuleVersion[] }>('/points/rules').then(
        (r) => {
          setVersions(r.data);
          if (fillEditor) edit(inForce(r.data)?.rules ?? defaultRules);
        },
        (e: Error) => message.error(e.message),
      ),
    [edit, message],
  );
  useEffect(() => void load(true), [load]);
  useEffect(() => {
    if (!can('products:read')) return;
    void api<Page<Product>>('/products?limit=200').then((page) =>
      setCatalogue({ products: page.data, categories: [...new Set(page.data.flatMap((p) => p.category_path))] }),
    );
  }, [can]);

  /** The editor's rules, or field errors shown on the editor. */
  const draft = (): EarningRules | undefined => {
    clearErrors(form);
    const result = rulesFrom(form.getFieldsValue(true) as RulesForm, t);
    if ('errors' in result) {
      showErrors(form, result.errors);
      return undefined;
    }
    return result.rules;
  };

  const save = async () => {
    const rules = draft();
    if (!rules) return;
    const values = form.getFieldsValue(true) as RulesForm;
    setSaving(true);
    try {
      // Untouched, "now" means the moment of saving, not the moment the page opened.
      const effectiveFrom = form.isFieldTouched('effective_from') && values.effective_from ? values.effective_from.toISOString() : undefined;
      const created = await api<EarningRuleVersion>('/points/rules', { method: 'POST', body: { rules, effective_from: effectiveFrom, note: values.note?.trim() || undefined }, idempotent: true });
      message.success(t('pointsRules.saved', { version: created.version }));
      form.setFieldsValue({ effective_from: dayjs(), note: undefined });
      await load(false);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) showErrors(form, serverErrors(error, 'rules'));
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('pointsRules.title')} data-testid="points-rules">
        {versions && !versions.length ? (
          <Alert type="info" showIcon title={t('pointsRules.noneYet')} />
        ) : (
          <VersionsTable
            versions={versions}
            onUse={(v) => {
              edit(v.rules);
              message.info(t('pointsRules.loaded', { version: v.version }));
            }}
          />
        )}
      </Card>
      <Card
        title={t('pointsRules.editor')}
        extra={
          <Tooltip title={can('points:manage') ? undefined : t('pointsRules.needsManage')}>
            <Button type="primary" onClick={save} loading={saving} disabled={!can('points:manage')} data-testid="points-rules-save">
              {t('common.save')}
            </Button>
          </Tooltip>
        }
      >
        <RulesEditor form={form} catalogue={catalogue} />
      </Card>
      <PreviewPanel draft={draft} products={catalogue.products} onRulesErrors={(errors) => showErrors(form, errors)} />
    </Space>
  );
}

/** Every version, newest first, marked in force, scheduled or superseded. */
function VersionsTable({ versions, onUse }: { versions: EarningRuleVersion[] | null; onUse: (version: EarningRuleVersion) => void }) {
  const { t } = useTranslation();
  const current = versions ? inForce(versions) : undefined;
  return (
    <Table<EarningRuleVersion>
      rowKey="version"
      size="small"
      loading={!versions}
      dataSource={versions ?? []}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pointsRules.empty')} /> }}
      columns={[
        { title: t('pointsRules.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
        {
          title: t('common.status'),
          width: 90,
          render: (_, v) =>
            v === current ? <Tag color="green">{t('pointsRules.inForce')}</Tag> : dayjs(v.effective_from).isAfter(dayjs()) ? <Tag color="blue">{t('pointsRules.scheduled')}</Tag> : <Tag>{t('pointsRules.superseded')}</Tag>,
        },
        { title: t('pointsRules.effectiveFrom'), dataIndex: 'effective_from', width: 170, render: formatTime },
        { title: t('pointsRules.summary'), render: (_, v) => summary(v.rules, t) },
        { title: t('pointsRules.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
        { title: t('pointsRules.createdBy'), dataIndex: 'created_by', width: 120, render: (v: string | null) => v ?? '—' },
        {
          title: t('common.actions'),
          width: 110,
          render: (_, v) => (
            <Button type="link" size="small" onClick={() => onUse(v)}>
              {t('pointsRules.useAsDraft')}
            </Button>
          ),
        },
      ]}
    />
  );
}

function RulesEditor({ form, catalogue }: { form: FormInstance<RulesForm>; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const multiplier = <InputNumber min={0} max={100} step={0.1} precision={2} prefix="×" style={{ width: 110 }} />;
  return (
    <Form form={form} layout="vertical" initialValues={{ ...toForm(defaultRules), effective_from: dayjs() }}>
      <Row gutter={16}>
        <Col xs={24} md={5}>
          <Form.Item name="base_points_per_yuan" label={t('pointsRules.base')} extra={t('pointsRules.baseHint')}>
            <InputNumber min={0} max={1000} step={0.5} precision={2} style={{ width: '100%' }} data-testid="rules-base" />
          </Form.Item>
        </Col>
        <Col xs={24} md={7}>
          <Form.Item name="rounding" label={t('pointsRules.rounding')}>
            <Radio.Group optionType="button" options={roundings.map((r) => ({ value: r, label: t(`pointsRules.roundings.${r}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={4}>
          <Form.Item name="min_order_yuan" label={t('pointsRules.minOrder')}>
            <Input prefix="¥" placeholder="0.00" />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name="cap_per_order" label={t('pointsRules.capPerOrder')}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} placeholder={t('pointsRules.noCap')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name="cap_per_day" label={t('pointsRules.capPerDay')}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} placeholder={t('pointsRules.noCap')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('pointsRules.exclude')}>
        <Space size="large" wrap>
          {(['discounted_part', 'gift_cards', 'shipping'] as const).map((key) => (
            <Space key={key}>
              <Form.Item name={['exclude', key]} valuePropName="checked" noStyle>
                <Switch size="small" />
              </Form.Item>
              {t(`pointsRules.excludes.${key}`)}
            </Space>
          ))}
        </Space>
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <MultiplierList name="category_multipliers" label={t('pointsRules.categoryMultipliers')} add={{ multiplier: 2 }}>
            <AutoComplete options={catalogue.categories.map((c) => ({ value: c }))} placeholder={t('pointsRules.category')} style={{ width: 150 }} filterOption />
            {multiplier}
          </MultiplierList>
        </Col>
        <Col xs={24} lg={8}>
          <MultiplierList name="sku_multipliers" label={t('pointsRules.skuMultipliers')} add={{ multiplier: 2 }}>
            <AutoComplete options={skuOptions(catalogue.products)} placeholder="SKU" style={{ width: 150 }} filterOption popupMatchSelectWidth={260} />
            {multiplier}
          </MultiplierList>
        </Col>
        <Col xs={24} lg={8}>
          <MultiplierList name="channel_multipliers" label={t('pointsRules.channelMultipliers')} add={{ channel: 'mini_program', multiplier: 2 }}>
            <Select options={orderChannels.map((c) => ({ value: c, label: t(`members.channels.${c}`) }))} style={{ width: 150 }} />
            {multiplier}
          </MultiplierList>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="effective_from" label={t('pointsRules.effectiveFrom')} extra={t('pointsRules.effectiveHint')}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="note" label={t('pointsRules.note')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

/** An editable list of [key, multiplier] pairs; the two children are the key's input and the multiplier's. */
function MultiplierList({ name, label, add, children }: { name: string; label: string; add: Record<string, unknown>; children: [ReactElement, ReactElement] }) {
  const { t } = useTranslation();
  const key = name === 'category_multipliers' ? 'category' : name === 'sku_multipliers' ? 'sku' : 'channel';
  return (
    <Form.List name={name}>
      {(fields, { add: append, remove }) => (
        <Form.Item label={label}>
          {fields.map((field) => (
            <Space key={field.key} align="baseline" style={{ display: 'flex', marginBottom: 8 }}>
              <Form.Item name={[field.name, key]} noStyle>
                {children[0]}
              </Form.Item>
              <Form.Item name={[field.name, 'multiplier']} noStyle>
                {children[1]}
              </Form.Item>
              <MinusCircleOutlined onClick={() => remove(field.name)} />
            </Space>
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => append(add)}>
            {t('pointsRules.addMultiplier')}
          </Button>
        </Form.Item>
      )}
    </Form.List>
  );
}

/** A sample order scored under the draft rules by the server (nothing is written). */
function PreviewPanel({ draft, products, onRulesErrors }: { draft: () => EarningRules | undefined; products: Catalogue['products']; onRulesErrors: (errors: FieldError[]) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SampleForm>();
  const [result, setResult] = useState<{ explanation: EarningExplanation; skus: string[]; rules: EarningRules; paidFen: number } | null>(null);
  const [running, setRunning] = useState(false);
  const priceOf = (sku: string) => {
    const product = products.find((p) => p.sku === sku);
    return product ? yuanText(product.list_price_fen) : undefined;
  };
  const first = products[0];
  const initial = useMemo<SampleForm>(
    () => ({ channel: 'store', shipping_yuan: '0', lines: [{ sku: first?.sku ?? 'SKU-001', qty: 2, unit_yuan: first ? yuanText(first.list_price_fen) : '32.00', discount_yuan: '0', flags: [] }] }),
    [first],
  );
  useEffect(() => {
    if (!form.isFieldsTouched()) form.setFieldsValue(initial);
  }, [form, initial]);

  const run = async () => {
    const rules = draft();
    if (!rules) return;
    clearErrors(form);
    const sample = form.getFieldsValue(true) as SampleForm;
    const errors: FieldError[] = [];
    const fen = (text: string | undefined, path: (string | number)[]) => {
      const value = text?.trim() ? yuanToFen(text) : 0;
      if (value === undefined) errors.push({ path, message: t('pointsRules.badYuan') });
      return value ?? 0;
    };
    const lines = (sample.lines ?? []).map((l, i) => ({ sku: l.sku?.trim() ?? '', qty: l.qty ?? 1, unit_price_fen: fen(l.unit_yuan, ['lines', i, 'unit_yuan']), discount_fen: fen(l.discount_yuan, ['lines', i, 'discount_yuan']), flags: l.flags ?? [] }));
    const body = { channel: sample.channel, lines, shipping_fen: fen(sample.shipping_yuan, ['shipping_yuan']), rules };
    if (errors.length) return showErrors(form, errors);
    setRunning(true);
    try {
      const explanation = await api<EarningExplanation>('/points/preview', { method: 'POST', body });
      const paidFen = lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen - l.discount_fen, 0) + body.shipping_fen;
      setResult({ explanation, skus: lines.map((l) => l.sku), rules, paidFen });
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        const all = serverErrors(error, '');
        onRulesErrors(all.filter((e) => e.path[0] === 'rules').map((e) => ({ ...e, path: e.path.slice(1) })));
        showErrors(form, all.filter((e) => e.path[0] !== 'rules'));
      }
      message.error((error as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const e = result?.explanation;
  return (
    <Card title={t('pointsRules.preview')} extra={<Typography.Text type="secondary">{t('pointsRules.previewHint')}</Typography.Text>} data-testid="points-preview">
      <Form form={form} layout="vertical" initialValues={initial}>
        <Space wrap align="start">
          <Form.Item name="channel" label={t('orders.channel')}>
            <Select style={{ width: 140 }} options={orderChannels.map((c) => ({ value: c, label: t(`members.channels.${c}`) }))} />
          </Form.Item>
          <Form.Item name="shipping_yuan" label={t('pointsRules.shipping')}>
            <Input prefix="¥" style={{ width: 120 }} />
          </Form.Item>
        </Space>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <Form.Item label={t('orders.lines')}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap style={{ display: 'flex', marginBottom: 8 }}>
                  <Form.Item name={[field.name, 'sku']} noStyle>
                    <AutoComplete
                      options={skuOptions(products)}
                      placeholder="SKU"
                      style={{ width: 170 }}
                      popupMatchSelectWidth={260}
                      filterOption
                      onSelect={(sku: string) => form.setFieldValue(['lines', field.name, 'unit_yuan'], priceOf(sku))}
                      data-testid={`preview-sku-${field.name}`}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'qty']} noStyle>
                    <InputNumber min={1} precision={0} prefix="×" style={{ width: 90 }} data-testid={`preview-qty-${field.name}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'unit_yuan']} noStyle>
                    <Input prefix={`${t('orders.unitPrice')} ¥`} style={{ width: 160 }} data-testid={`preview-unit-${field.name}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'discount_yuan']} noStyle>
                    <Input prefix={`${t('orders.discount')} ¥`} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'flags']} noStyle>
                    <Select mode="multiple" placeholder={t('pointsRules.flags')} style={{ minWidth: 170 }} options={(['gift_card', 'non_earning'] as const).map((f) => ({ value: f, label: t(`pointsRules.flagNames.${f}`) }))} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                </Space>
              ))}
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ qty: 1, discount_yuan: '0', flags: [] })}>
                {t('pointsRules.addLine')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Button type="primary" icon={<CalculatorOutlined />} loading={running} onClick={run} data-testid="points-preview-run">
          {t('pointsRules.runPreview')}
        </Button>
      </Form>
      {e && result && (
        <div data-testid="points-preview-result" style={{ marginTop: 24 }}>
          <Space size={48} wrap style={{ marginBottom: 16 }}>
            <Statistic title={t('pointsRules.earned')} value={e.points} styles={{ content: { color: '#c2410c' } }} />
            <Statistic title={t('pointsRules.eligible')} value={formatFen(e.eligible_fen)} />
            {e.capped_by && <Statistic title={t('pointsRules.cappedBy')} value={t(`pointsRules.caps.${e.capped_by}`)} />}
          </Space>
          <Row gutter={24}>
            <Col xs={24} xl={13}>
              <Table
                rowKey="line_no"
                size="small"
                pagination={false}
                dataSource={e.lines}
                columns={[
                  { title: '#', dataIndex: 'line_no', width: 40 },
                  { title: 'SKU', render: (_, l) => (l.line_no === 0 ? t('pointsRules.shipping') : (result.skus[l.line_no - 1] ?? '—')) },
                  { title: t('pointsRules.eligible'), dataIndex: 'eligible_fen', align: 'right', render: formatFen },
                  { title: t('pointsRules.multiplier'), dataIndex: 'multiplier', align: 'right', render: (m: number) => `×${m}` },
                  { title: t('points.points'), dataIndex: 'points', align: 'right' },
                  { title: t('pointsRules.excluded'), dataIndex: 'excluded', render: (x: string | null) => (x ? <Tag>{excludedLabel(x, t)}</Tag> : '—') },
                ]}
              />
            </Col>
            <Col xs={24} xl={11}>
              <Table
                rowKey="key"
                size="small"
                pagination={false}
                dataSource={e.contributions.map((c, i) => ({ ...c, key: i }))}
                locale={{ emptyText: t('pointsRules.noContributions') }}
                columns={[
                  { title: t('pointsRules.rule'), dataIndex: 'rule', render: (r: string) => ruleLabel(r, t) },
                  { title: t('pointsRules.detail'), render: (_, c) => contributionDetail(c, result, t) },
                  { title: t('points.points'), dataIndex: 'points', align: 'right', render: (p: number) => (p > 0 ? `+${p}` : p) },
                ]}
              />
            </Col>
          </Row>
        </div>
      )}
    </Card>
  );
}

/** The version in force now: the latest effective_from not in the future (ties: the higher version). */
function inForce(versions: EarningRuleVersion[]) {
  const now = Date.now();
  return [...versions].filter((v) => Date.parse(v.effective_from) <= now).sort((a, b) => Date.parse(b.effective_from) - Date.parse(a.effective_from) || b.version - a.version)[0];
}

function toForm(rules: EarningRules): RulesForm {
  const { min_order_fen, ...rest } = rules;
  return { ...rest, min_order_yuan: min_order_fen ? yuanText(min_order_fen) : undefined };
}

function rulesFrom(values: RulesForm, t: TFunction): { rules: EarningRules } | { errors: FieldError[] } {
  const { min_order_yuan, effective_from: _from, note: _note, ...rest } = values;
  const minOrder = min_order_yuan?.trim() ? yuanToFen(min_order_yuan) : 0;
  const errors: FieldError[] = minOrder === undefined ? [{ path: ['min_order_yuan'], message: t('pointsRules.badYuan') }] : [];
  const parsed = earningRulesSchema.safeParse({ ...rest, min_order_fen: minOrder ?? 0, cap_per_order: rest.cap_per_order ?? null, cap_per_day: rest.cap_per_day ?? null });
  // The inputs only ever give the right type or nothing, so a type error is an empty field.
  if (!parsed.success) errors.push(...parsed.error.issues.map((i) => ({ path: renameFen(i.path as (string | number)[]), message: i.code === 'invalid_type' ? t('points.required') : i.message })));
  return parsed.success && !errors.length ? { rules: parsed.data } : { errors };
}

/** The problem's field errors as form paths, without the prefix the form does not have. */
function serverErrors(error: ApiError, prefix: string): FieldError[] {
  return (error.problem.errors ?? []).map((e) => {
    const path = e.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    return { path: renameFen(prefix && path[0] === prefix ? path.slice(1) : path), message: e.message };
  });
}

/** The server speaks fen, the forms take ¥. */
function renameFen(path: (string | number)[]) {
  const names: Record<string, string> = { min_order_fen: 'min_order_yuan', unit_price_fen: 'unit_yuan', discount_fen: 'discount_yuan', shipping_fen: 'shipping_yuan' };
  return path.map((p) => (typeof p === 'string' ? (names[p] ?? p) : p));
}

function showErrors(form: FormInstance, errors: FieldError[]) {
  form.setFields(errors.map((e) => ({ name: e.path as never, errors: [e.message] })));
}

/** Errors set by hand stay until replaced, so each submit starts clean. */
function clearErrors(form: FormInstance) {
  form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name, errors: [] })));
}

function summary(r: EarningRules, t: TFunction) {
  const parts = [t('pointsRules.perYuan', { points: r.base_points_per_yuan }), t(`pointsRules.roundings.${r.rounding}`)];
  if (r.min_order_fen) parts.push(`${t('pointsRules.minOrder')} ${formatFen(r.min_order_fen)}`);
  if (r.cap_per_order) parts.push(`${t('pointsRules.capPerOrder')} ${r.cap_per_order}`);
  if (r.cap_per_day) parts.push(`${t('pointsRules.capPerDay')} ${r.cap_per_day}`);
  const multipliers = r.category_multipliers.length + r.sku_multipliers.length + r.channel_multipliers.length;
  if (multipliers) parts.push(t('pointsRules.multipliers', { count: multipliers }));
  return parts.join(' · ');
}

function ruleLabel(rule: string, t: TFunction) {
  const [kind, ...rest] = rule.split(':');
  const value = rest.join(':');
  if (kind === 'channel') return `${t('pointsRules.rules.channel')} ${t(`members.channels.${value}`, { defaultValue: value })}`;
  if (kind === 'sku' || kind === 'category') return `${t(`pointsRules.rules.${kind}`)} ${value}`;
  return t(`pointsRules.rules.${rule}`, { defaultValue: rule });
}

function excludedLabel(reason: string, t: TFunction) {
  if (reason.startsWith('sku:') || reason.startsWith('category:')) return `${ruleLabel(reason, t)} ×0`;
  return t(`pointsRules.excludedReasons.${reason}`, { defaultValue: reason });
}

/** The server explains in English; the rules it names are known here, so their details are said in the console's language. */
function contributionDetail(c: EarningExplanation['contributions'][number], r: { explanation: EarningExplanation; rules: EarningRules; paidFen: number }, t: TFunction) {
  if (c.rule === 'base') return t('pointsRules.details.base', { rate: r.rules.base_points_per_yuan, amount: formatFen(r.explanation.eligible_fen) });
  if (c.rule === 'rounding') return t(`pointsRules.roundings.${r.rules.rounding}`);
  if (c.rule === 'min_order') return t('pointsRules.details.min_order', { paid: formatFen(r.paidFen), min: formatFen(r.rules.min_order_fen) });
  if (c.rule === 'cap_per_order') return t('pointsRules.details.cap_per_order', { cap: r.rules.cap_per_order });
  if (c.rule === 'cap_per_day') return t('pointsRules.details.cap_per_day', { cap: r.rules.cap_per_day });
  return c.detail;
}

/** Fen as the text of a ¥ input: 1280 → "12.80". */
const yuanText = (fen: number) => formatFen(fen).replace(/[¥,]/g, '');
const skuOptions = (products: Catalogue['products']) => products.map((p) => ({ value: p.sku, label: `${p.sku} · ${p.name}` }));
