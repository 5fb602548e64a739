import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Drawer, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { GroupBroadcast, groupBroadcastDetailSchema, TargetStatus } from '@hearth/contracts/groups';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { applyFieldErrors, useGroupOptions } from './group-shared.ts';

type Detail = z.infer<typeof groupBroadcastDetailSchema>;
const statusColor: Record<TargetStatus, string | undefined> = { pending: undefined, deferred: 'orange', sending: 'blue', sent: 'green', skipped: 'default', failed: 'red' };

/** 社群群发: broadcasts to chosen groups as WeCom group-message tasks, with each group's outcome and reason. */
export function GroupBroadcastsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const list = useCursorList<GroupBroadcast>('/group-broadcasts', {}, 20);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const counts = (b: GroupBroadcast) => (Object.entries(b.counts) as [TargetStatus, number][]).map(([s, n]) => <Tag key={s} color={statusColor[s]}>{`${t(`groups.broadcasts.targetStatus.${s}`)} ${n}`}</Tag>);

  return (
    <Card title={t('groups.broadcasts.title')} data-testid="group-broadcasts" extra={can('groups:send') && <Button type="primary" icon={<PlusOutlined />} data-testid="group-broadcast-create" onClick={() => setCreating(true)}>{t('groups.broadcasts.create')}</Button>}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('groups.broadcasts.hint')} />
      <Table<GroupBroadcast>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        onRow={(b) => ({ onClick: () => setOpen(b.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('groups.broadcasts.empty')} /> }}
        columns={[
          { title: t('groups.broadcasts.name'), dataIndex: 'name' },
          { title: t('common.status'), render: (_, b) => <Tag>{t(`groups.broadcasts.status.${b.status}`)}</Tag> },
          { title: t('groups.broadcasts.sendAt'), render: (_, b) => formatTime(b.send_at) },
          { title: t('groups.broadcasts.counts'), render: (_, b) => <Space wrap size={4}>{counts(b)}</Space> },
        ]}
      />
      {list.hasMore && <Button style={{ marginTop: 12 }} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      <CreateModal open={creating} onClose={() => setCreating(false)} onCreated={(id) => { setCreating(false); list.reload(); setOpen(id); }} />
      <DetailDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </Card>
  );
}

function CreateModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const groups = useGroupOptions();
  const [form] = Form.useForm<{ name: string; text: string; group_ids: string[]; send_at?: Dayjs }>();
  const save = async () => {
    const values = await form.validateFields();
    try {
      const created = await api<Detail>('/group-broadcasts', { method: 'POST', idempotent: true, body: { name: values.name, text: values.text, group_ids: values.group_ids, ...(values.send_at ? { send_at: values.send_at.toISOString() } : {}) } });
      form.resetFields();
      onCreated(created.id);
    } catch (error) {
      applyFieldErrors(form, error);
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={open} title={t('groups.broadcasts.create')} onCancel={onClose} onOk={() => void save()} width={640} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('groups.broadcasts.name')} rules={[{ required: true }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="group_ids" label={t('groups.broadcasts.groups')} rules={[{ required: true }]}>
          <Select mode="multiple" showSearch optionFilterProp="label" options={groups.filter((g) => g.status === 'active').map((g) => ({ value: g.id, label: g.chat_id ? g.name : `${g.name}（${t('groups.notLinked')}）` }))} />
        </Form.Item>
        <Form.Item name="text" label={t('groups.broadcasts.text')} rules={[{ required: true }]}><Input.TextArea rows={5} maxLength={2000} showCount /></Form.Item>
        <Form.Item name="send_at" label={t('groups.broadcasts.sendAt')} extra={t('groups.broadcasts.now')}><DatePicker showTime /></Form.Item>
      </Form>
    </Modal>
  );
}

function DetailDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [detail, setDetail] = useState<Detail | null>(null);
  useEffect(() => {
    setDetail(null);
    if (id) void api<Detail>(`/group-broadcasts/${id}`).then(setDetail, (e: Error) => message.error(e.message));
  }, [id, message]);
  const cancel = () => void api<Detail>(`/group-broadcasts/${id}/cancel`, { method: 'POST' }).then((d) => { setDetail(d); onChanged(); }, (e: Error) => message.error(e.message));
  const cancellable = detail && (detail.status === 'scheduled' || detail.status === 'running') && can('groups:send');
  return (
    <Drawer open={id !== null} onClose={onClose} width={720} title={detail?.name} destroyOnHidden extra={cancellable && <Popconfirm title={t('groups.broadcasts.cancelConfirm')} onConfirm={cancel}><Button danger>{t('groups.broadcasts.cancel')}</Button></Popconfirm>}>
      {detail && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <div style={{ whiteSpace: 'pre-wrap' }}>{detail.text}</div>
          <Table
            rowKey="group_id"
            size="small"
            pagination={false}
            dataSource={detail.targets}
            columns={[
              { title: t('groups.name'), dataIndex: 'group_name' },
              { title: t('common.status'), render: (_, r) => <Tag color={statusColor[r.status]}>{t(`groups.broadcasts.targetStatus.${r.status}`)}</Tag> },
              { title: t('groups.broadcasts.reason'), render: (_, r) => (r.reason ? t(`groups.broadcasts.reasons.${r.reason}`, { defaultValue: r.reason }) : '—') },
              { title: t('groups.broadcasts.sendAt'), render: (_, r) => formatTime(r.sent_at ?? r.send_at) },
              { title: t('groups.broadcasts.msgid'), dataIndex: 'wecom_msgid', render: (v: string | null) => v ?? '—' },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
