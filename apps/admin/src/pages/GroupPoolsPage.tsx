import { useEffect, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Modal, QRCode, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Pool, PoolInput } from '@hearth/contracts/groups';
import type { Store } from '@hearth/contracts/stores';
import { api, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { applyFieldErrors, usePools } from './group-shared.ts';

/** 分流活码: one QR per store or theme that routes each scanner to a group of the pool with room. */
export function GroupPoolsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const writable = can('groups:manage');
  const { pools, loading, reload } = usePools();
  const [editing, setEditing] = useState<{ pool: Pool | null } | null>(null);
  const [stores, setStores] = useState<Store[]>([]);
  useEffect(() => void api<Page<Store>>('/stores?limit=200&status=active').then((p) => setStores(p.data), () => undefined), []);

  return (
    <Card title={t('groups.pools.title')} data-testid="group-pools" extra={writable && <Button type="primary" icon={<PlusOutlined />} data-testid="pool-create" onClick={() => setEditing({ pool: null })}>{t('groups.pools.create')}</Button>}>
      <Table<Pool>
        rowKey="id"
        loading={loading}
        dataSource={pools}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('groups.pools.empty')} /> }}
        columns={[
          { title: t('groups.pools.name'), dataIndex: 'name', render: (name: string, p) => <Space>{name}{p.status === 'archived' && <Tag>{t('groups.pools.status.archived')}</Tag>}</Space> },
          { title: t('groups.pools.kind'), render: (_, p) => `${t(`groups.pools.kinds.${p.kind}`)} · ${p.kind === 'store' ? (stores.find((s) => s.id === p.store_id)?.name ?? '') : (p.theme ?? '')}` },
          { title: t('groups.pools.groups'), dataIndex: 'groups' },
          { title: t('groups.pools.seatsLeft'), render: (_, p) => (p.all_full_since ? <Tag color="red" title={t('groups.fullSince', { time: formatTime(p.all_full_since) })}>{t('groups.pools.full')}</Tag> : <Tag color="green">{`${t('groups.pools.ok')} · ${p.seats_left}`}</Tag>) },
          { title: t('groups.pools.qr'), render: (_, p) => <PoolQr pool={p} /> },
          { title: t('common.actions'), render: (_, p) => writable && <Button size="small" onClick={() => setEditing({ pool: p })}>{t('common.edit')}</Button> },
        ]}
      />
      <PoolModal editing={editing} stores={stores} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); reload(); }} />
    </Card>
  );
}

function PoolQr({ pool }: { pool: Pool }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const id = `pool-qr-${pool.id}`;
  const download = () => {
    const canvas = document.getElementById(id)?.querySelector('canvas');
    if (!canvas) return;
    const a = document.createElement('a');
    a.href = canvas.toDataURL('image/png');
    a.download = `${pool.name}.png`;
    a.click();
  };
  return (
    <Space align="start">
      <div id={id}><QRCode value={pool.link} size={96} bordered={false} /></div>
      <Space orientation="vertical" size={4}>
        <Typography.Text copyable={{ text: pool.link, onCopy: () => message.success(t('common.copied')) }} style={{ width: 280, display: 'block' }} ellipsis={{ tooltip: pool.link }}>{pool.link}</Typography.Text>
        <Button size="small" onClick={download}>{t('groups.pools.download')}</Button>
      </Space>
    </Space>
  );
}

function PoolModal({ editing, stores, onClose, onSaved }: { editing: { pool: Pool | null } | null; stores: Store[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PoolInput>();
  const kind = Form.useWatch('kind', form);
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(editing.pool ?? { kind: 'store', status: 'active' });
  }, [editing, form]);
  const save = async () => {
    const values = await form.validateFields();
    try {
      const body = { ...values, welcome_text: values.welcome_text || null };
      await api(editing?.pool ? `/group-pools/${editing.pool.id}` : '/group-pools', { method: editing?.pool ? 'PUT' : 'POST', body, idempotent: !editing?.pool });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      applyFieldErrors(form, error);
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={editing !== null} title={editing?.pool ? t('groups.pools.edit') : t('groups.pools.create')} onCancel={onClose} onOk={() => void save()} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('groups.name')} rules={[{ required: true }]}><Input maxLength={100} data-testid="pool-name" /></Form.Item>
        <Form.Item name="kind" label={t('groups.pools.kind')}><Select options={(['store', 'theme'] as const).map((k) => ({ value: k, label: t(`groups.pools.kinds.${k}`) }))} /></Form.Item>
        {kind === 'store' ? (
          <Form.Item name="store_id" label={t('groups.store')} rules={[{ required: true }]}><Select options={stores.map((s) => ({ value: s.id, label: s.name }))} /></Form.Item>
        ) : (
          <Form.Item name="theme" label={t('groups.theme')} rules={[{ required: true }]}><Input maxLength={40} data-testid="pool-theme" /></Form.Item>
        )}
        <Form.Item name="welcome_text" label={t('groups.welcome')} extra={t('groups.pools.welcomeHint')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        <Form.Item name="status" label={t('common.status')}><Select options={(['active', 'archived'] as const).map((s) => ({ value: s, label: t(`groups.pools.status.${s}`) }))} /></Form.Item>
      </Form>
    </Modal>
  );
}
