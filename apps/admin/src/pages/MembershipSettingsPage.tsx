import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MembershipSettings, WechatConfig } from '@hearth/contracts/membership';
import { api, ApiError } from '../api.ts';
import { useSession } from '../session.tsx';

/** Refund policy, grace and reminder days; and the brand's WeChat Pay merchant (keys write-only). */
export function MembershipSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<MembershipSettings>();
  const [loaded, setLoaded] = useState(false);
  const writable = can('membership:manage');
  useEffect(() => {
    void api<MembershipSettings>('/membership/settings').then(
      (s) => {
        form.setFieldsValue(s);
        setLoaded(true);
      },
      (e: Error) => message.error(e.message),
    );
  }, [form, message]);
  const save = (values: MembershipSettings) =>
    void api('/membership/settings', { method: 'PUT', body: values }).then(
      () => message.success(t('membership.settings.saved')),
      (e: Error) => message.error(e.message),
    );
  const days = (name: keyof MembershipSettings, min: number, max: number, extra?: string) => (
    <Form.Item name={name} label={t(`membership.settings.${labelOf[name]}`)} extra={extra} rules={[{ required: true, type: 'integer', min, max }]}>
      <InputNumber min={min} max={max} disabled={!writable} style={{ width: 160 }} />
    </Form.Item>
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('membership.settings.policy')} loading={!loaded} data-testid="membership-settings">
        <Form form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
          {days('full_refund_days', 0, 366, t('membership.settings.fullRefundHint'))}
          {days('grace_days', 0, 90, t('membership.settings.graceHint'))}
          {days('reminder_days', 1, 90)}
          <Space size={16} wrap>
            {days('query_after_minutes', 1, 1440)}
            {days('payment_timeout_minutes', 5, 10080)}
          </Space>
          {writable ? (
            <Button type="primary" htmlType="submit" data-testid="membership-settings-save">
              {t('common.save')}
            </Button>
          ) : (
            <Alert type="info" title={t('membership.settings.readOnly')} />
          )}
        </Form>
      </Card>
      <WechatPayCard writable={writable} />
    </Space>
  );
}

const labelOf: Record<keyof MembershipSettings, string> = {
  full_refund_days: 'fullRefundDays',
  grace_days: 'graceDays',
  reminder_days: 'reminderDays',
  query_after_minutes: 'queryAfter',
  payment_timeout_minutes: 'timeout',
};

type WechatForm = { mchid: string; appid: string; merchant_serial: string; private_key: string; api_v3_key: string; platform_serial: string; platform_public_key: string; base_url?: string; notify_base_url: string };

/** The merchant's credentials: the current merchant is shown, the keys never come back, every save sends them all. */
function WechatPayCard({ writable }: { writable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<WechatForm>();
  const [config, setConfig] = useState<WechatConfig | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    void api<WechatConfig>('/membership/providers/wechat').then(
      (c) => {
        setConfig(c);
        form.setFieldsValue({ mchid: c.mchid, appid: c.appid, merchant_serial: c.merchant_serial, platform_serial: c.platform_serial, notify_base_url: c.notify_base_url });
      },
      () => setConfig(null),
    );
  }, [form]);
  const save = async (values: WechatForm) => {
    setSaving(true);
    try {
      const saved = await api<WechatConfig>('/membership/providers/wechat', { method: 'PUT', body: { ...values, base_url: values.base_url || undefined } });
      setConfig(saved);
      form.setFieldsValue({ private_key: '', api_v3_key: '' });
      message.success(t('membership.settings.wechatSaved'));
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, msg]) => ({ name: name as keyof WechatForm, errors: [msg] })));
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };
  const text = (name: keyof WechatForm, max = 128) => (
    <Form.Item name={name} label={t(`membership.settings.${wechatLabel[name]}`)} rules={[{ required: name !== 'base_url', max }]}>
      <Input disabled={!writable} />
    </Form.Item>
  );
  return (
    <Card title={t('membership.settings.wechat')} data-testid="membership-wechat">
      <Alert type={config ? 'success' : 'warning'} showIcon style={{ marginBottom: 16 }} title={config ? t('membership.settings.configured', { mchid: config.mchid, appid: config.appid }) : t('membership.settings.notConfigured')} description={t('membership.settings.wechatHint')} />
      <Form form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }} autoComplete="off">
        {text('mchid', 32)}
        {text('appid', 32)}
        {text('merchant_serial', 64)}
        <Form.Item name="private_key" label={t('membership.settings.privateKey')} rules={[{ required: true }]}>
          <Input.TextArea rows={3} disabled={!writable} placeholder="-----BEGIN PRIVATE KEY-----" />
        </Form.Item>
        <Form.Item name="api_v3_key" label={t('membership.settings.apiV3Key')} rules={[{ required: true, len: 32 }]}>
          <Input.Password disabled={!writable} autoComplete="new-password" />
        </Form.Item>
        {text('platform_serial')}
        <Form.Item name="platform_public_key" label={t('membership.settings.platformPublicKey')} rules={[{ required: true }]}>
          <Input.TextArea rows={3} disabled={!writable} placeholder="-----BEGIN PUBLIC KEY-----" />
        </Form.Item>
        {text('base_url', 200)}
        {text('notify_base_url', 200)}
        {writable && (
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('membership.settings.saveWechat')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

const wechatLabel: Record<keyof WechatForm, string> = {
  mchid: 'mchid',
  appid: 'appid',
  merchant_serial: 'merchantSerial',
  private_key: 'privateKey',
  api_v3_key: 'apiV3Key',
  platform_serial: 'platformSerial',
  platform_public_key: 'platformPublicKey',
  base_url: 'baseUrl',
  notify_base_url: 'notifyBaseUrl',
};
