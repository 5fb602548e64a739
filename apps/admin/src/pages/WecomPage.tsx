import { useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, Select, Space, Switch, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Operator } from '@hearth/contracts/auth';
import type { Store } from '@hearth/contracts/stores';
import type { WecomContact, WecomSettings, WecomStaff, WecomStatus } from '@hearth/contracts/wecom';
import { api, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { MemberLink } from './growth-shared.tsx';

const counts = ['staff', 'contacts', 'mapped_contacts', 'follows', 'groups', 'group_members'] as const;

/** 企业微信: the corp's credentials (write-only secrets), sync status and the synced staff. */
export function WecomPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('wecom:manage');
  const [form] = Form.useForm();
  const [settings, setSettings] = useState<WecomSettings | null>(null);
  const [status, setStatus] = useState<WecomStatus | null>(null);
  const staff = useCursorList<WecomStaff>('/wecom/staff', {});
  const [operators, setOperators] = useState<Operator[]>([]);
  const [stores, setStores] = useState<Store[]>([]);
  const listsOperators = writable && can('operators:manage');
  useEffect(() => {
    if (!writable) return;
    if (listsOperators) void api<Page<Operator>>('/operators?limit=200').then((r) => setOperators(r.data), () => undefined);
    void api<Page<Store>>('/stores?limit=200&status=active').then((r) => setStores(r.data), () => undefined);
  }, [writable, listsOperators]);
  // A staff member's operator account makes them that guide in the console; the store places their contacts.
  const link = async (userId: string, change: { operator_id?: string | null; store_id?: string | null }) => {
    try {
      await api(`/wecom/staff/${encodeURIComponent(userId)}`, { method: 'PATCH', body: change });
      staff.reload();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  const refresh = async () => {
    const [s, st] = await Promise.all([api<WecomSettings>('/wecom/settings'), api<WecomStatus>('/wecom/status')]);
    setSettings(s);
    setStatus(st);
    form.setFieldsValue({ corp_id: s.corp_id ?? '', agent_id: s.agent_id ?? '', enabled: s.configured ? s.enabled : true });
  };
  useEffect(() => {
    refresh().catch((error: Error) => message.error(error.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = async () => {
    const values = (await form.validateFields()) as Record<string, string | boolean>;
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined));
    try {
      await api('/wecom/settings', { method: 'PUT', body });
      message.success(t('acquisition.wecom.saved'));
      form.resetFields(['secret', 'callback_token', 'encoding_aes_key']);
      await refresh();
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  const sync = async () => {
    try {
      await api('/wecom/sync', { method: 'POST' });
      message.success(t('acquisition.wecom.syncQueued'));
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  const keep = (set: boolean | undefined) => (set ? t('acquisition.wecom.keep') : undefined);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <h2 style={{ margin: 0 }}>{t('acquisition.wecom.title')}</h2>
      <Card>
        <Form form={form} layout="vertical" disabled={!writable} style={{ maxWidth: 520 }}>
          <Form.Item name="corp_id" label={t('acquisition.wecom.corpId')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="agent_id" label={t('acquisition.wecom.agentId')} extra={t('acquisition.wecom.agentIdHelp')}><Input inputMode="numeric" /></Form.Item>
          <Form.Item name="secret" label={t('acquisition.wecom.secret')}><Input.Password placeholder={keep(settings?.secret_set)} autoComplete="new-password" /></Form.Item>
          <Form.Item name="callback_token" label={t('acquisition.wecom.token')}><Input.Password placeholder={keep(settings?.callback_set)} autoComplete="new-password" /></Form.Item>
          <Form.Item name="encoding_aes_key" label={t('acquisition.wecom.aesKey')}><Input.Password placeholder={keep(settings?.callback_set)} autoComplete="new-password" /></Form.Item>
          <Form.Item name="enabled" label={t('acquisition.wecom.enabled')} valuePropName="checked"><Switch /></Form.Item>
          {settings && <Form.Item label={t('acquisition.wecom.callbackPath')}><code>{settings.callback_path}</code></Form.Item>}
          <Button type="primary" onClick={() => void save()}>{t('acquisition.codes.save')}</Button>
        </Form>
      </Card>
      <Card title={t('acquisition.wecom.lastSync')} extra={writable && settings?.configured && <Button onClick={() => void sync()}>{t('acquisition.wecom.sync')}</Button>}>
        {status && (
          <Descriptions column={3} size="small">
            <Descriptions.Item label={t('acquisition.wecom.lastSync')}>
              {status.last_sync_at ? <>{formatTime(status.last_sync_at)} <Tag color={status.last_sync_status === 'failed' ? 'red' : 'green'}>{t(`acquisition.wecom.syncStatus.${status.last_sync_status ?? 'running'}`)}</Tag></> : t('acquisition.wecom.never')}
            </Descriptions.Item>
            {counts.map((c) => <Descriptions.Item key={c} label={t(`acquisition.wecom.counts.${c}`)}>{status[c]}</Descriptions.Item>)}
            {status.last_sync_error && <Descriptions.Item label="!">{status.last_sync_error}</Descriptions.Item>}
          </Descriptions>
        )}
      </Card>
      <Card title={t('acquisition.wecom.staff')}>
        <Table<WecomStaff>
          rowKey="user_id"
          size="small"
          loading={staff.loading}
          dataSource={staff.rows}
          pagination={false}
          columns={[
            { title: t('acquisition.wecom.userId'), dataIndex: 'user_id' },
            { title: t('acquisition.codes.name'), dataIndex: 'name' },
            { title: t('acquisition.wecom.departments'), render: (_, s) => s.department_ids.join(', ') },
            { title: t('acquisition.wecom.contacts'), dataIndex: 'contacts' },
            { title: t('acquisition.wecom.active'), render: (_, s) => (s.active ? '✓' : '—') },
            {
              title: t('acquisition.wecom.operator'),
              render: (_, s) =>
                writable && operators.length ? (
                  <Select allowClear size="small" style={{ width: 180 }} value={s.operator_id ?? undefined} placeholder="—" showSearch optionFilterProp="label" options={operators.map((o) => ({ value: o.id, label: `${o.name} (${o.email})` }))} onChange={(v: string | undefined) => void link(s.user_id, { operator_id: v ?? null })} data-testid={`wecom-staff-operator-${s.user_id}`} />
                ) : (
                  (operators.find((o) => o.id === s.operator_id)?.name ?? (s.operator_id ? '✓' : '—'))
                ),
            },
            {
              title: t('acquisition.wecom.store'),
              render: (_, s) =>
                writable ? (
                  <Select allowClear size="small" style={{ width: 160 }} value={s.store_id ?? undefined} placeholder="—" showSearch optionFilterProp="label" options={stores.map((st) => ({ value: st.id, label: st.name }))} onChange={(v: string | undefined) => void link(s.user_id, { store_id: v ?? null })} />
                ) : (
                  (stores.find((st) => st.id === s.store_id)?.name ?? (s.store_id ? '✓' : '—'))
                ),
            },
          ]}
        />
        {staff.hasMore && <Button onClick={staff.loadMore}>…</Button>}
      </Card>
      <ContactsCard />
    </Space>
  );
}

/** 客户: the external contacts as synced (names masked), the member each is matched to, and who added them. */
function ContactsCard() {
  const { t } = useTranslation();
  const [mapped, setMapped] = useState<'true' | 'false' | undefined>();
  const contacts = useCursorList<WecomContact>('/wecom/contacts', { mapped });
  return (
    <Card title={t('acquisition.wecom.contactList')} extra={<Select allowClear size="small" style={{ width: 140 }} placeholder={t('acquisition.wecom.mappedFilter')} value={mapped} onChange={setMapped} options={[{ value: 'true', label: t('acquisition.wecom.mapped') }, { value: 'false', label: t('acquisition.wecom.unmapped') }]} />}>
      <Table<WecomContact>
        rowKey="external_user_id"
        size="small"
        loading={contacts.loading}
        dataSource={contacts.rows}
        pagination={false}
        data-testid="wecom-contacts"
        columns={[
          { title: t('acquisition.wecom.externalId'), dataIndex: 'external_user_id' },
          { title: t('acquisition.codes.name'), render: (_, c) => c.name ?? '—' },
          { title: t('acquisition.wecom.member'), render: (_, c) => (c.member_id ? <MemberLink id={c.member_id} no={c.member_no} /> : <Tag>{t('acquisition.wecom.unmapped')}</Tag>) },
          { title: t('acquisition.wecom.addedBy'), render: (_, c) => c.follows.filter((f) => !f.removed_at).map((f) => f.staff_user_id).join(', ') || '—' },
          { title: t('acquisition.wecom.syncedAt'), render: (_, c) => formatTime(c.synced_at) },
        ]}
      />
      {contacts.hasMore && <Button onClick={contacts.loadMore}>…</Button>}
    </Card>
  );
}
