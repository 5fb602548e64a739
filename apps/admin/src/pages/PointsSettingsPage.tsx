import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pointsSettingsSchema, type PointsSettings } from '@hearth/contracts/points';
import { api, ApiError } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';

interface SettingsForm {
  value_yuan?: string;
  pending_days?: number;
  expiry_kind: PointsSettings['expiry']['kind'];
  expiry_months?: number;
  expiry_years?: number;
  clawback_policy: PointsSettings['clawback_policy'];
  max_cash_share_pct?: number;
  hold_minutes?: number;
  reminder_days?: string[];
}
type FieldError = { path: (string | number)[]; message: string };

const clawbackPolicies = ['negative_balance', 'other_lots', 'loss'] as const;

/** What a point is worth, when it becomes spendable and expires, how refunds claw it back, and redemption limits. */
export function PointsSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<SettingsForm>();
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  const writable = can('points:manage');
  const valueYuan = Form.useWatch('value_yuan', form);
  const expiryKind = Form.useWatch('expiry_kind', form);

  const load = useCallback(
    () =>
      api<PointsSettings>('/points/settings').then(
        (s) => {
          form.setFieldsValue(toForm(s));
          setLoaded(true);
        },
        (e: Error) => message.error(e.message),
      ),
    [form, message],
  );
  useEffect(() => void load(), [load]);

  const showErrors = (errors: FieldError[]) => form.setFields(errors.map((e) => ({ name: formPath(e.path) as never, errors: [e.message] })));

  const save = async () => {
    form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name as never, errors: [] })));
    const values = form.getFieldsValue(true) as SettingsForm;
    const errors: FieldError[] = [];
    const fen = values.value_yuan?.trim() ? yuanToFen(values.value_yuan) : undefined;
    if (fen === undefined) errors.push({ path: ['fen_per_100_points'], message: t('pointsRules.badYuan') });
    const days = (values.reminder_days ?? []).map((d) => (/^\s*\d{1,3}\s*$/.test(d) ? Number(d) : Number.NaN));
    if (days.some(Number.isNaN)) errors.push({ path: ['reminder_days'], message: t('pointsSettings.badDays') });
    if (errors.length) return showErrors(errors);
    const parsed = pointsSettingsSchema.safeParse({
      fen_per_100_points: fen,
      pending_days: values.pending_days,
      expiry:
        values.expiry_kind === 'rolling_months'
          ? { kind: 'rolling_months', months: values.expiry_months }
          : values.expiry_kind === 'calendar_year_end'
            ? { kind: 'calendar_year_end', years: values.expiry_years }
            : { kind: 'never' },
      clawback_policy: values.clawback_policy,
      max_cash_share_pct: values.max_cash_share_pct,
      hold_minutes: values.hold_minutes,
      reminder_days: [...new Set(days)].sort((a, b) => b - a),
    });
    if (!parsed.success) return showErrors(parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.code === 'invalid_type' ? t('points.required') : i.message })));
    setSaving(true);
    try {
      form.setFieldsValue(toForm(await api<PointsSettings>('/points/settings', { method: 'PUT', body: parsed.data })));
      message.success(t('common.saved'));
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) showErrors(error.problem.errors.map((e) => ({ path: e.field.split('.'), message: e.message })));
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const per100Fen = valueYuan ? yuanToFen(valueYuan) : undefined;
  return (
    <Card
      title={t('pointsSettings.title')}
      loading={!loaded}
      data-testid="points-settings"
      extra={
        writable && (
          <Button type="primary" onClick={save} loading={saving} data-testid="points-settings-save">
            {t('common.save')}
          </Button>
        )
      }
    >
      <Alert type="info" showIcon title={t('pointsSettings.appliesFromNow')} style={{ marginBottom: 24 }} />
      <Form form={form} layout="vertical" disabled={!writable} style={{ maxWidth: 880 }}>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item
              name="value_yuan"
              label={t('pointsSettings.value')}
              extra={per100Fen !== undefined ? t('pointsSettings.valueHint', { value: formatFen(per100Fen * 10), points: 1000 }) : undefined}
            >
              <Input prefix="¥" data-testid="points-settings-value" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="pending_days" label={t('pointsSettings.pendingDays')} extra={t('pointsSettings.pendingHint')}>
              <InputNumber min={0} max={365} precision={0} suffix={t('pointsSettings.days')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="reminder_days" label={t('pointsSettings.reminderDays')} extra={t('pointsSettings.reminderHint')}>
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} placeholder="30, 7" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('pointsSettings.expiry')}>
          <Form.Item name="expiry_kind" noStyle>
            <Radio.Group>
              <Space orientation="vertical">
                <Radio value="rolling_months">
                  <Space>
                    {t('pointsSettings.expiryKinds.rolling_months')}
                    <Form.Item name="expiry_months" noStyle>
                      <InputNumber size="small" min={1} max={120} precision={0} suffix={t('pointsSettings.months')} disabled={!writable || expiryKind !== 'rolling_months'} style={{ width: 110 }} />
                    </Form.Item>
                  </Space>
                </Radio>
                <Radio value="calendar_year_end">
                  <Space>
                    {t('pointsSettings.expiryKinds.calendar_year_end')}
                    <Form.Item name="expiry_years" noStyle>
                      <InputNumber size="small" min={0} max={10} precision={0} suffix={t('pointsSettings.years')} disabled={!writable || expiryKind !== 'calendar_year_end'} style={{ width: 110 }} />
                    </Form.Item>
                    <Typography.Text type="secondary">{t('pointsSettings.yearsHint')}</Typography.Text>
                  </Space>
                </Radio>
                <Radio value="never">{t('pointsSettings.expiryKinds.never')}</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
        </Form.Item>
        <Form.Item
          name="clawback_policy"
          label={
            <Space size={12}>
              {t('pointsSettings.clawbackPolicy')}
              <Typography.Text type="secondary">{t('pointsSettings.clawbackHint')}</Typography.Text>
            </Space>
          }
        >
          <Radio.Group>
            <Space orientation="vertical">
              {clawbackPolicies.map((p) => (
                <Radio key={p} value={p}>
                  {t(`pointsSettings.clawback.${p}`)} <Typography.Text type="secondary">— {t(`pointsSettings.clawbackHints.${p}`)}</Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item name="max_cash_share_pct" label={t('pointsSettings.maxCashShare')} extra={t('pointsSettings.maxCashShareHint')}>
              <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="hold_minutes" label={t('pointsSettings.holdMinutes')} extra={t('pointsSettings.holdHint')}>
              <InputNumber min={1} max={1440} precision={0} suffix={t('pointsSettings.minutes')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}

function toForm(s: PointsSettings): SettingsForm {
  return {
    value_yuan: formatFen(s.fen_per_100_points).replace(/[¥,]/g, ''),
    pending_days: s.pending_days,
    expiry_kind: s.expiry.kind,
    expiry_months: s.expiry.kind === 'rolling_months' ? s.expiry.months : 12,
    expiry_years: s.expiry.kind === 'calendar_year_end' ? s.expiry.years : 1,
    clawback_policy: s.clawback_policy,
    max_cash_share_pct: s.max_cash_share_pct,
    hold_minutes: s.hold_minutes,
    reminder_days: s.reminder_days.map(String),
  };
}

/** Schema paths to the form's flat names. */
function formPath(path: (string | number)[]): (string | number)[] {
  const [head, next] = path;
  if (head === 'fen_per_100_points') return ['value_yuan'];
  if (head === 'expiry') return [next === 'years' ? 'expiry_years' : next === 'months' ? 'expiry_months' : 'expiry_kind'];
  if (head === 'reminder_days') return ['reminder_days'];
  return path;
}
