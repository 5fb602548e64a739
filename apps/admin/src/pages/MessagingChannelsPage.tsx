import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Collapse, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { channelProviders, type ChannelProvider, type MessagingSettings } from '@hearth/contracts/messaging';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

interface ChannelConfig {
  provider: ChannelProvider;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets_set: string[];
}

/** What each provider's adapter reads: settings in clear, secrets sealed on the server and never shown again. */
const fields: Record<ChannelProvider, { settings: string[]; secrets: string[]; test: boolean }> = {
  smtp: { settings: ['host', 'port', 'from', 'user', 'starttls', 'secure', 'message_id_domain', 'max_connections'], secrets: ['password'], test: true },
  aliyun_sms: { settings: ['access_key_id', 'sign_name', 'region', 'base_url'], secrets: ['access_key_secret', 'callback_token'], test: true },
  tencent_sms: { settings: ['secret_id', 'sdk_app_id', 'sign_name', 'region', 'base_url'], secrets: ['secret_key', 'callback_token'], test: true },
  wechat_oa: { settings: ['app_id', 'miniprogram_appid', 'base_url'], secrets: ['app_secret', 'server_token', 'server_aes_key'], test: true },
  wechat_mp: { settings: ['app_id', 'miniprogram_state', 'base_url'], secrets: ['app_secret'], test: true },
  web_push: { settings: ['public_key', 'subject', 'ttl_seconds'], secrets: ['private_key'], test: false },
  webhook: { settings: ['url'], secrets: ['signing_secret'], test: true },
};
const cappedChannels = ['sms', 'email', 'wechat_template', 'wechat_subscribe', 'web_push', 'wecom_group'] as const;

/** Channel credentials (write-only secrets, test send) and the brand's caps, quiet hours and click tracking. */
export function MessagingChannelsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('messaging:manage');
  const [configs, setConfigs] = useState<ChannelConfig[]>([]);
  const [settings, setSettings] = useState<MessagingSettings>();

  const load = useCallback(async () => {
    const [list, current] = await Promise.all([api<{ data: ChannelConfig[] }>('/messaging/channels'), api<MessagingSettings>('/messaging/settings')]);
    setConfigs(list.data);
    setSettings(current);
  }, []);
  useEffect(() => void load().catch((e: Error) => message.error(e.message)), [load, message]);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('messaging.channels.providers')}>
        <Collapse
          items={channelProviders.map((provider) => {
            const config = configs.find((c) => c.provider === provider);
            return {
              key: provider,
              label: (
                <Space>
                  {t(`messaging.providerNames.${provider}`)}
                  {config?.enabled ? <Tag color="green">{t('messaging.channels.enabled')}</Tag> : config ? <Tag>{t('common.no')}</Tag> : null}
                </Space>
              ),
              children: <ProviderForm provider={provider} config={config} writable={writable} onSaved={load} />,
            };
          })}
        />
      </Card>
      {settings && <PolicyCard settings={settings} writable={writable} onSaved={setSettings} />}
    </Space>
  );
}

function ProviderForm({ provider, config, writable, onSaved }: { provider: ChannelProvider; config?: ChannelConfig; writable: boolean; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [testForm] = Form.useForm<{ to: string; provider_template?: string }>();
  const spec = fields[provider];

  const save = async () => {
    const values = (await form.validateFields()) as Record<string, string | boolean | undefined>;
    const settings = Object.fromEntries(spec.settings.filter((k) => values[`s_${k}`] !== undefined && values[`s_${k}`] !== '').map((k) => [k, values[`s_${k}`] as string]));
    // An empty secret field keeps the stored one: the server never sends secrets back.
    const secrets = Object.fromEntries(spec.secrets.filter((k) => values[`x_${k}`]).map((k) => [k, values[`x_${k}`] as string]));
    try {
      await api(`/messaging/channels/${provider}`, { method: 'PUT', body: { enabled: Boolean(values.enabled), settings, secrets } });
      message.success(t('messaging.channels.saved'));
      form.resetFields(spec.secrets.map((k) => `x_${k}`));
      await onSaved();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const test = async () => {
    const values = await testForm.validateFields();
    try {
      await api(`/messaging/channels/${provider}/test`, { method: 'POST', body: { to: values.to ?? '', provider_template: values.provider_template || null } });
      message.success(t('messaging.channels.testSent'));
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="vertical" disabled={!writable} initialValues={{ enabled: config?.enabled ?? false, ...Object.fromEntries(spec.settings.map((k) => [`s_${k}`, config?.settings[k] === undefined ? undefined : String(config.settings[k])])) }}>
        <Form.Item name="enabled" label={t('messaging.channels.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Typography.Title level={5}>{t('messaging.channels.settings')}</Typography.Title>
        <Space wrap>
          {spec.settings.map((k) => (
            <Form.Item key={k} name={`s_${k}`} label={k} style={{ minWidth: 240 }}>
              <Input />
            </Form.Item>
          ))}
        </Space>
        <Typography.Title level={5}>{t('messaging.channels.secrets')}</Typography.Title>
        <Space wrap>
          {spec.secrets.map((k) => (
            <Form.Item key={k} name={`x_${k}`} label={k} style={{ minWidth: 240 }}>
              <Input.Password autoComplete="new-password" placeholder={config?.secrets_set.includes(k) ? t('messaging.channels.secretSet') : t('messaging.channels.secretUnset')} />
            </Form.Item>
          ))}
        </Space>
        <Button type="primary" onClick={() => void save()} data-testid={`save-${provider}`}>
          {t('messaging.channels.save')}
        </Button>
      </Form>
      {spec.test && config && (
        <Form form={testForm} layout="inline" disabled={!writable} style={{ marginTop: 16 }}>
          <Form.Item name="to" label={t('messaging.channels.testTo')} rules={[{ required: provider !== 'webhook' }]}>
            <Input style={{ width: 240 }} />
          </Form.Item>
          {(provider.endsWith('_sms') || provider.startsWith('wechat')) && (
            <Form.Item name="provider_template" label={t('messaging.channels.testTemplate')}>
              <Input style={{ width: 200 }} />
            </Form.Item>
          )}
          <Button onClick={() => void test()}>{t('messaging.channels.test')}</Button>
        </Form>
      )}
    </Space>
  );
}

function PolicyCard({ settings, writable, onSaved }: { settings: MessagingSettings; writable: boolean; onSaved: (s: MessagingSettings) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MessagingSettings>();
  const save = async () => {
    const values = await form.validateFields();
    const caps = Object.fromEntries(cappedChannels.map((c) => [c, { per_day: values.caps?.[c]?.per_day ?? null, per_week: values.caps?.[c]?.per_week ?? null }]).filter(([, cap]) => (cap as { per_day: number | null; per_week: number | null }).per_day !== null || (cap as { per_week: number | null }).per_week !== null));
    const body: MessagingSettings = { ...values, caps, click_tracking: { enabled: values.click_tracking.enabled, base_url: values.click_tracking.base_url || null } };
    try {
      onSaved(await api<MessagingSettings>('/messaging/settings', { method: 'PUT', body }));
      message.success(t('common.saved'));
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Card title={t('messaging.channels.policy')}>
      <Form form={form} layout="vertical" initialValues={settings} disabled={!writable}>
        <Typography.Title level={5}>{t('messaging.channels.caps')}</Typography.Title>
        <Table
          size="small"
          pagination={false}
          rowKey={(c) => c}
          dataSource={[...cappedChannels]}
          style={{ maxWidth: 560, marginBottom: 16 }}
          columns={[
            { title: t('messaging.templates.channel'), render: (_, c) => t(`messaging.channelNames.${c}`) },
            ...(['per_day', 'per_week'] as const).map((period) => ({
              title: t(`messaging.channels.${period === 'per_day' ? 'perDay' : 'perWeek'}`),
              render: (_: unknown, c: (typeof cappedChannels)[number]) => (
                <Form.Item name={['caps', c, period]} noStyle>
                  <InputNumber min={0} max={1000} placeholder={t('messaging.channels.noLimit')} />
                </Form.Item>
              ),
            })),
          ]}
        />
        <Typography.Title level={5}>{t('messaging.channels.quiet')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('messaging.channels.quietHint')}</Typography.Paragraph>
        <Space wrap>
          <Form.Item name={['quiet_hours', 'enabled']} valuePropName="checked" label={t('messaging.channels.enabled')}>
            <Switch />
          </Form.Item>
          <Form.Item name={['quiet_hours', 'start']} label={t('messaging.channels.quietStart')} rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}>
            <Input style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name={['quiet_hours', 'end']} label={t('messaging.channels.quietEnd')} rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}>
            <Input style={{ width: 100 }} />
          </Form.Item>
        </Space>
        <Form.Item name="transactional_consent" label={t('messaging.channels.transactional')} style={{ maxWidth: 360 }}>
          <Select options={(['not_required', 'unless_withdrawn', 'required'] as const).map((v) => ({ value: v, label: t(`messaging.channels.consent.${v}`) }))} />
        </Form.Item>
        <Typography.Title level={5}>{t('messaging.channels.tracking')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('messaging.channels.trackingHint')}</Typography.Paragraph>
        <Space wrap>
          <Form.Item name={['click_tracking', 'enabled']} valuePropName="checked" label={t('messaging.channels.enabled')}>
            <Switch />
          </Form.Item>
          <Form.Item name={['click_tracking', 'base_url']} label={t('messaging.channels.baseUrl')}>
            <Input style={{ width: 320 }} placeholder="https://vip.brand.com" />
          </Form.Item>
        </Space>
        <div>
          <Button type="primary" onClick={() => void save()} data-testid="save-messaging-settings">
            {t('messaging.channels.savePolicy')}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
