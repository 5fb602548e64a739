import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Spin, Switch, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import { referralFlags, type ReferralSettings } from '@hearth/contracts/referrals';
import { api } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { growthErrorText, showFieldErrors } from './growth-shared.tsx';

type RulesForm = Omit<ReferralSettings, 'min_order_fen'> & { min_order: string };

/** 推荐有礼 rules: who gets what, when (after the return window), how often, and what goes to review. */
export function ReferralRulesForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('referrals:manage');
  const [form] = Form.useForm<RulesForm>();
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);

  useEffect(() => {
    void api<ReferralSettings>('/referrals/settings').then(
      ({ min_order_fen, ...rest }) => {
        form.setFieldsValue({ ...rest, min_order: formatFen(min_order_fen).replace(/[¥,]/g, '') });
        setLoaded(true);
      },
      (e: Error) => message.error(e.message),
    );
    // Without coupons:read the pickers stay empty; the rules still show.
    void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), () => setTemplates([]));
  }, [form, message]);

  const save = async () => {
    const { min_order, ...v } = await form.validateFields();
    const body: ReferralSettings = { ...v, min_order_fen: yuanToFen(min_order)!, monthly_limit: v.monthly_limit ?? null, referrer_coupon_template_id: v.referrer_coupon_template_id ?? null, referee_coupon_template_id: v.referee_coupon_template_id ?? null };
    setSaving(true);
    try {
      await api('/referrals/settings', { method: 'PUT', body, idempotent: true });
      message.success(t('common.saved'));
    } catch (error) {
      showFieldErrors(form, error, { min_order_fen: 'min_order' });
      message.error(growthErrorText(t, 'referrals', error));
    } finally {
      setSaving(false);
    }
  };

  const couponOptions = templates.map((c) => ({ value: c.id, label: c.name }));
  const reward = (side: 'referrer' | 'referee') => (
    <Card size="small" title={t(`referrals.${side}Reward`)}>
      <Form.Item name={`${side}_points`} label={t('referrals.points')} rules={[{ required: true }]}>
        <InputNumber min={0} max={1_000_000} precision={0} style={{ width: '100%' }} data-testid={`referral-${side}-points`} />
      </Form.Item>
      <Form.Item name={`${side}_coupon_template_id`} label={t('referrals.coupon')}>
        <Select allowClear placeholder={t('referrals.noCoupon')} options={couponOptions} showSearch={{ optionFilterProp: 'label' }} />
      </Form.Item>
    </Card>
  );
  if (!loaded) return <Spin />;
  return (
    <Form form={form} layout="vertical" disabled={!writable} style={{ maxWidth: 880 }} data-testid="referral-rules">
      <Form.Item name="enabled" label={t('referrals.enabled')} valuePropName="checked"><Switch /></Form.Item>
      <Row gutter={16}>
        <Col span={12}>{reward('referrer')}</Col>
        <Col span={12}>{reward('referee')}</Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={8}>
          <Form.Item name="min_order" label={t('referrals.minOrder')} extra={t('referrals.minOrderHint')} rules={[{ required: true }, { validator: async (_, v: string) => { if (v && yuanToFen(v) === undefined) throw new Error('¥'); } }]}>
            <Input prefix="¥" data-testid="referral-min-order" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="return_window_days" label={t('referrals.returnWindow')} extra={t('referrals.returnWindowHint')} rules={[{ required: true }]}>
            <InputNumber min={0} max={90} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="join_window_hours" label={t('referrals.joinWindow')} extra={t('referrals.joinWindowHint')} rules={[{ required: true }]}>
            <InputNumber min={1} max={720} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="monthly_limit" label={t('referrals.monthlyLimit')} extra={t('referrals.monthlyLimitHint')}>
            <InputNumber min={1} max={10_000} precision={0} placeholder={t('referrals.unlimited')} style={{ width: '100%' }} data-testid="referral-monthly-limit" />
          </Form.Item>
        </Col>
      </Row>
      <Card size="small" title={t('referrals.fraud')}>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('referrals.fraudAlways')}
          description={<Space wrap>{referralFlags.filter((f) => f !== 'burst').map((f) => <Tag key={f}>{t(`referrals.flags.${f}`)}</Tag>)}</Space>}
        />
        <Form.Item name="burst_per_hour" label={t('referrals.burst')} extra={t('referrals.burstHint')} rules={[{ required: true }]} style={{ maxWidth: 360 }}>
          <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Card>
      {writable && <Button type="primary" loading={saving} style={{ marginTop: 16 }} onClick={() => void save()} data-testid="referral-rules-save">{t('common.save')}</Button>}
    </Form>
  );
}
