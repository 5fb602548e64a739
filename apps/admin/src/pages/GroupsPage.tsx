import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Drawer, Empty, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, Tooltip } from 'antd';
import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Group, GroupInput, GroupSettings } from '@hearth/contracts/groups';
import type { Store } from '@hearth/contracts/stores';
import type { TierProgram } from '@hearth/contracts/tiers';
import { api, type Page } from '../api.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { applyFieldErrors, type PoolRow, usePools } from './group-shared.ts';

const statuses = ['active', 'closed', 'archived'] as const;

/** 社群: the catalogue by store, theme, tier and pool, with members, seats for routing and the all-full warning. */
export function GroupsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const writable = can('groups:manage');
  const [filters, setFilters] = useState<{ pool_id?: string; store_id?: string; status?: string }>({});
  const list = useCursorList<Group>('/groups', filters, 50);
  const { pools, reload: reloadPools } = usePools();
  const [stores, setStores] = useState<Store[]>([]);
  const [editing, setEditing] = useState<{ group: Group | null } | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  useEffect(() => void api<Page<Store>>('/stores?limit=200&status=active').then((p) => setStores(p.data), () => undefined), []);
  const full = pools.filter((p) => p.all_full_since && p.status === 'active');
  const storeName = (id: string | null) => stores.find((s) => s.id === id)?.name ?? '—';
  const poolName = (id: string | null) => pools.find((p) => p.id === id)?.name ?? '—';

  return (
    <Card
      title={t('groups.title')}
      data-testid="groups"
      extra={
        <Space>
          {writable && <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>{t('groups.settings')}</Button>}
          {writable && <Button type="primary" icon={<PlusOutlined />} data-testid="group-create" onClick={() => setEditing({ group: null })}>{t('groups.create')}</Button>}
        </Space>
      }
    >
      {full.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="groups-full-warning" title={t('groups.fullWarning', { names: full.map((p) => p.name).join('、') })} />}
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('groups.pool')} style={{ width: 200 }} options={pools.map((p) => ({ value: p.id, label: p.name }))} onChange={(v?: string) => setFilters((f) => ({ ...f, pool_id: v }))} />
        <Select allowClear placeholder={t('groups.store')} style={{ width: 200 }} options={stores.map((s) => ({ value: s.id, label: s.name }))} onChange={(v?: string) => setFilters((f) => ({ ...f, store_id: v }))} />
        <Select allowClear placeholder={t('common.status')} style={{ width: 140 }} options={statuses.map((s) => ({ value: s, label: t(`groups.status.${s}`) }))} onChange={(v?: string) => setFilters((f) => ({ ...f, status: v }))} />
      </Space>
      <Table<Group>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('groups.empty')} /> }}
        columns={[
          { title: t('groups.name'), dataIndex: 'name', render: (name: string, g) => <Space>{name}{g.status !== 'active' && <Tag>{t(`groups.status.${g.status}`)}</Tag>}</Space> },
          { title: t('groups.store'), render: (_, g) => storeName(g.store_id) },
          { title: t('groups.theme'), dataIndex: 'theme', render: (v: string | null) => v ?? '—' },
          { title: t('groups.pool'), render: (_, g) => poolName(g.pool_id) },
          { title: t('groups.members'), render: (_, g) => <Tooltip title={`${g.member_count} / ${g.capacity}`}><Progress percent={Math.round((g.member_count / g.capacity) * 100)} size="small" style={{ width: 120 }} format={() => `${g.member_count}/${g.capacity}`} /></Tooltip> },
          { title: t('groups.seatsLeft'), render: (_, g) => <Space>{g.seats_left === 0 ? <Tag color="red">0</Tag> : g.seats_left}{g.held_seats > 0 && <Tag>{`${t('groups.held')} ${g.held_seats}`}</Tag>}</Space> },
          { title: 'WeCom', render: (_, g) => (g.chat_id ? <Tag color="green">{t('groups.linked')}</Tag> : <Tag>{t('groups.notLinked')}</Tag>) },
          { title: t('common.actions'), render: (_, g) => writable && <Button size="small" onClick={() => setEditing({ group: g })}>{t('common.edit')}</Button> },
        ]}
      />
      {list.hasMore && <Button style={{ marginTop: 12 }} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      <GroupDrawer editing={editing} stores={stores} pools={pools} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); list.reload(); reloadPools(); }} />
      <SettingsModal open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </Card>
  );
}

function GroupDrawer({ editing, stores, pools, onClose, onSaved }: { editing: { group: Group | null } | null; stores: Store[]; pools: PoolRow[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GroupInput>();
  const [saving, setSaving] = useState(false);
  const [tiers, setTiers] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => void api<{ data: TierProgram[] }>('/tier-programs').then((r) => setTiers(r.data.flatMap((p) => p.tiers.map((tier) => ({ value: tier.id, label: `${p.name} · ${tier.name}` })))), () => undefined), []);
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(editing.group ?? { capacity: 200, status: 'active' });
  }, [editing, form]);
  const save = useCallback(async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const body = { ...values, join_qr_url: values.join_qr_url || null, chat_id: values.chat_id || null, owner_userid: values.owner_userid || null, welcome_text: values.welcome_text || null, theme: values.theme || null };
      await api(editing?.group ? `/groups/${editing.group.id}` : '/groups', { method: editing?.group ? 'PUT' : 'POST', body, idempotent: !editing?.group });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      applyFieldErrors(form, error);
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  }, [editing, form, message, onSaved, t]);
  return (
    <Drawer open={editing !== null} onClose={onClose} width={560} title={editing?.group ? t('groups.edit') : t('groups.create')} destroyOnHidden extra={<Button type="primary" loading={saving} data-testid="group-save" onClick={() => void save()}>{t('common.save')}</Button>}>
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('groups.name')} rules={[{ required: true }]}><Input maxLength={100} data-testid="group-name" /></Form.Item>
        <Form.Item name="store_id" label={t('groups.store')}><Select allowClear options={stores.map((s) => ({ value: s.id, label: s.name }))} /></Form.Item>
        <Form.Item name="theme" label={t('groups.theme')}><Input maxLength={40} /></Form.Item>
        <Form.Item name="tier_id" label={t('groups.tier')}><Select allowClear options={tiers} /></Form.Item>
        <Form.Item name="pool_id" label={t('groups.pool')}><Select allowClear placeholder={t('groups.noPool')} options={pools.map((p) => ({ value: p.id, label: p.name }))} /></Form.Item>
        <Form.Item name="capacity" label={t('groups.capacity')} extra={t('groups.capacityHint')} rules={[{ required: true }]}><InputNumber min={1} max={500} /></Form.Item>
        <Form.Item name="chat_id" label={t('groups.chatId')}><Input maxLength={64} /></Form.Item>
        <Form.Item name="owner_userid" label={t('groups.owner')}><Input maxLength={64} /></Form.Item>
        <Form.Item name="join_qr_url" label={t('groups.joinQr')} extra={t('groups.joinQrHint')}><Input maxLength={500} /></Form.Item>
        <Form.Item name="welcome_text" label={t('groups.welcome')} extra={t('groups.welcomeHint')}><Input.TextArea rows={3} maxLength={2000} showCount /></Form.Item>
        <Form.Item name="status" label={t('common.status')}><Select options={statuses.map((s) => ({ value: s, label: t(`groups.status.${s}`) }))} /></Form.Item>
      </Form>
    </Drawer>
  );
}

function SettingsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GroupSettings>();
  useEffect(() => {
    if (open) void api<GroupSettings>('/groups/settings').then((s) => form.setFieldsValue(s), (e: Error) => message.error(e.message));
  }, [open, form, message]);
  const save = async () => {
    const values = await form.validateFields();
    try {
      await api('/groups/settings', { method: 'PUT', body: values });
      message.success(t('common.saved'));
      onClose();
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={open} title={t('groups.settings')} onCancel={onClose} onOk={() => void save()} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="safety_margin" label={t('groups.safetyMargin')} extra={t('groups.safetyMarginHint')} rules={[{ required: true }]}><InputNumber min={0} max={100} /></Form.Item>
        <Form.Item name="hold_minutes" label={t('groups.holdMinutes')} extra={t('groups.holdHint')} rules={[{ required: true }]}><InputNumber min={1} max={120} /></Form.Item>
        <Form.Item name="welcome_window_minutes" label={t('groups.welcomeWindow')} extra={t('groups.welcomeWindowHint')} rules={[{ required: true }]}><InputNumber min={0} max={1440} /></Form.Item>
      </Form>
    </Modal>
  );
}
