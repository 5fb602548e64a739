import { useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Spin, Switch, Tooltip, Typography } from 'antd';
import { DeleteOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { DistributionSettings } from '@hearth/contracts/distribution';
import type { TierProgram } from '@hearth/contracts/tiers';
import { api } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { bpToPercent, growthErrorText, percentToBp, showFieldErrors } from './growth-shared.tsx';

interface RateRow { key: string; rate: number }
interface LevelForm { default_rate: number; categories: RateRow[]; skus: RateRow[] }
type PlanForm = Omit<DistributionSettings, 'levels' | 'min_withdrawal_fen'> & { min_withdrawal: string; level2_on: boolean; levels: [LevelForm, LevelForm] };

const emptyLevel: LevelForm = { default_rate: 0, categories: [], skus: [] };
const toLevelForm = (level: DistributionSettings['levels'][number] | undefined): LevelForm =>
  level
    ? {
        default_rate: bpToPercent(level.default_bp),
        categories: Object.entries(level.categories).map(([key, bp]) => ({ key, rate: bpToPercent(bp) })),
        skus: Object.entries(level.skus).map(([key, bp]) => ({ key, rate: bpToPercent(bp) })),
      }
    : emptyLevel;
const toLevel = (level: LevelForm): DistributionSettings['levels'][number] => ({
  default_bp: percentToBp(level.default_rate),
  categories: Object.fromEntries(level.categories.map((r) => [r.key.trim(), percentToBp(r.rate)])),
  skus: Object.fromEntries(level.skus.map((r) => [r.key.trim(), percentToBp(r.rate)])),
});

/**
 * 佣金方案: level 1 (the selling promoter) and level 2 (their recruiter), each with a default rate and rates by
 * category and SKU. A third level is shown locked: the server refuses it as the law does.
 */
export function CommissionPlanForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('distribution:manage');
  const [form] = Form.useForm<PlanForm>();
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  const [tiers, setTiers] = useState<{ value: string; label: string }[]>([]);
  const level2On = Form.useWatch('level2_on', form);

  useEffect(() => {
    void api<DistributionSettings>('/distribution/settings').then(
      ({ levels, min_withdrawal_fen, ...rest }) => {
        form.setFieldsValue({ ...rest, min_withdrawal: formatFen(min_withdrawal_fen).replace(/[¥,]/g, ''), level2_on: levels.length > 1, levels: [toLevelForm(levels[0]), toLevelForm(levels[1])] });
        setLoaded(true);
      },
      (e: Error) => message.error(e.message),
    );
    // Without tiers:read the picker only lists nothing; the plan still shows.
    void api<{ data: TierProgram[] }>('/tier-programs').then((r) => setTiers(r.data.flatMap((p) => p.tiers.map((tier) => ({ value: tier.id, label: `${p.name} · ${tier.name}` })))), () => setTiers([]));
  }, [form, message]);

  const save = async () => {
    const { min_withdrawal, level2_on, levels, ...v } = await form.validateFields();
    const body: DistributionSettings = { ...v, min_withdrawal_fen: yuanToFen(min_withdrawal)!, levels: level2_on ? [toLevel(levels[0]), toLevel(levels[1])] : [toLevel(levels[0])] };
    setSaving(true);
    try {
      await api('/distribution/settings', { method: 'PUT', body, idempotent: true });
      message.success(t('common.saved'));
    } catch (error) {
      showFieldErrors(form, error, { min_withdrawal_fen: 'min_withdrawal' });
      message.error(growthErrorText(t, 'distribution', error));
    } finally {
      setSaving(false);
    }
  };

  if (!loaded) return <Spin />;
  return (
    <Form form={form} layout="vertical" disabled={!writable} style={{ maxWidth: 1000 }} data-testid="commission-plan">
      <Alert type="warning" showIcon icon={<LockOutlined />} title={t('distribution.twoLevels')} description={t('distribution.twoLevelsHint')} style={{ marginBottom: 16 }} />
      <Row gutter={16}>
        <Col span={4}><Form.Item name="enabled" label={t('distribution.enabled')} valuePropName="checked"><Switch /></Form.Item></Col>
        <Col span={5}><Form.Item name="attribution_days" label={t('distribution.attributionDays')} tooltip={t('distribution.attributionHint')} rules={[{ required: true }]}><InputNumber min={1} max={90} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
        <Col span={5}><Form.Item name="return_window_days" label={t('distribution.returnWindow')} tooltip={t('distribution.returnWindowHint')} rules={[{ required: true }]}><InputNumber min={0} max={90} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
        <Col span={5}>
          <Form.Item name="min_withdrawal" label={t('distribution.minWithdrawal')} rules={[{ required: true }, { validator: async (_, v: string) => { if (v && yuanToFen(v) === undefined) throw new Error('¥'); } }]}>
            <Input prefix="¥" />
          </Form.Item>
        </Col>
        <Col span={5}><Form.Item name="auto_tier_ids" label={t('distribution.autoTiers')} tooltip={t('distribution.autoTiersHint')}><Select mode="multiple" allowClear options={tiers} /></Form.Item></Col>
      </Row>
      <Typography.Paragraph type="secondary">{t('distribution.rateHint')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col span={12}><LevelCard index={0} title={t('distribution.level1')} /></Col>
        <Col span={12}>
          <LevelCard index={1} title={t('distribution.level2')} disabled={!level2On} extra={<Form.Item name="level2_on" valuePropName="checked" noStyle><Switch size="small" data-testid="commission-level2-on" /></Form.Item>} />
        </Col>
      </Row>
      <Tooltip title={t('distribution.twoLevelsHint')}>
        <Button block disabled icon={<LockOutlined />} style={{ marginTop: 16 }} data-testid="commission-third-level">{t('distribution.thirdLevel')}</Button>
      </Tooltip>
      {writable && <Button type="primary" loading={saving} style={{ marginTop: 16 }} onClick={() => void save()} data-testid="commission-plan-save">{t('common.save')}</Button>}
    </Form>
  );
}

function LevelCard({ index, title, disabled = false, extra }: { index: 0 | 1; title: string; disabled?: boolean; extra?: ReactNode }) {
  const { t } = useTranslation();
  const rate = (name: (string | number)[], testId: string) => (
    <Form.Item name={name} rules={[{ required: !disabled }]} noStyle>
      <InputNumber min={0} max={100} precision={2} suffix="%" style={{ width: 120 }} disabled={disabled} data-testid={testId} />
    </Form.Item>
  );
  const list = (kind: 'categories' | 'skus') => (
    <Form.List name={['levels', index, kind]}>
      {(fields, { add, remove }) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {fields.map((field) => (
            <Space key={field.key}>
              <Form.Item name={[field.name, 'key']} rules={[{ required: !disabled, whitespace: true }]} noStyle>
                <Input placeholder={t(kind === 'skus' ? 'distribution.sku' : 'distribution.category')} maxLength={kind === 'skus' ? 64 : 100} style={{ width: 180 }} disabled={disabled} data-testid={`commission-l${index + 1}-${kind}-key`} />
              </Form.Item>
              {rate([field.name, 'rate'], `commission-l${index + 1}-${kind}-rate`)}
              <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} disabled={disabled} />
            </Space>
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ key: '', rate: 0 })} disabled={disabled} data-testid={`commission-l${index + 1}-add-${kind}`}>
            {t(kind === 'skus' ? 'distribution.bySku' : 'distribution.byCategory')}
          </Button>
        </Space>
      )}
    </Form.List>
  );
  return (
    <Card size="small" title={title} extra={extra} style={disabled ? { opacity: 0.6 } : undefined} data-testid={`commission-level-${index + 1}`}>
      <Form.Item label={t('distribution.defaultRate')} required>
        <Form.Item name={['levels', index, 'default_rate']} rules={[{ required: !disabled }]} noStyle>
          <InputNumber min={0} max={100} precision={2} suffix="%" style={{ width: 160 }} disabled={disabled} data-testid={`commission-l${index + 1}-default`} />
        </Form.Item>
      </Form.Item>
      <Typography.Text strong>{t('distribution.byCategory')}</Typography.Text>
      <div style={{ margin: '8px 0 16px' }}>{list('categories')}</div>
      <Typography.Text strong>{t('distribution.bySku')}</Typography.Text>
      <div style={{ marginTop: 8 }}>{list('skus')}</div>
    </Card>
  );
}
