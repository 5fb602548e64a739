import { useEffect, useState } from 'react';
import { App, Button, Card, Drawer, Empty, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { guideMemberSchema } from '@hearth/contracts/guides';
import type { Operator } from '@hearth/contracts/auth';
import { api, ApiError, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { GuideSelect, useGuideDirectory, type Guide } from './guides-shared.tsx';

type GuideMember = z.infer<typeof guideMemberSchema>;

/** 导购与会员: guides with their stores and WeCom ids, their members, explicit assignment and hand-over when one leaves. */
export function GuidesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const manage = can('guides:manage');
  const directory = useGuideDirectory();
  const list = useCursorList<Guide>('/guides', {});
  const [creating, setCreating] = useState(false);
  const [leaving, setLeaving] = useState<Guide | null>(null);
  const [members, setMembers] = useState<Guide | null>(null);
  const [assigning, setAssigning] = useState(false);
  const reload = () => {
    list.reload();
    directory.reload();
  };

  return (
    <Card
      title={t('guides.list.title')}
      data-testid="guides"
      extra={manage && (
        <Space>
          <Button onClick={() => setAssigning(true)} data-testid="guide-assign">{t('guides.list.assign')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="guide-create">{t('guides.list.create')}</Button>
        </Space>
      )}
    >
      <Table<Guide>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('guides.list.empty')} /> }}
        columns={[
          { title: t('guides.list.operator'), render: (_, g) => <Space direction="vertical" size={0}><span>{g.name}</span><span style={{ color: '#888' }}>{g.email}</span></Space> },
          { title: t('guides.list.store'), dataIndex: 'store_id', render: (id: string) => directory.storeName(id) },
          { title: t('guides.list.wecom'), dataIndex: 'wecom_user_id', render: (v: string | null) => v ?? '—' },
          { title: t('guides.list.members'), dataIndex: 'members' },
          { title: t('guides.list.openTasks'), dataIndex: 'open_tasks' },
          { title: t('guides.list.status'), dataIndex: 'status', render: (s: Guide['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`guides.list.${s}`)}</Tag> },
          {
            title: t('common.actions'),
            render: (_, g) => (
              <Space>
                <Button size="small" onClick={() => setMembers(g)}>{t('guides.list.memberList')}</Button>
                {manage && g.status === 'active' && <Button size="small" danger onClick={() => setLeaving(g)}>{t('guides.list.leave')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} style={{ marginTop: 12 }}>{t('common.loadMore')}</Button>}
      <CreateGuideModal open={creating} stores={directory.stores} onClose={() => setCreating(false)} onSaved={() => { setCreating(false); reload(); }} />
      <LeaveModal guide={leaving} guides={directory.guides} onClose={() => setLeaving(null)} onDone={() => { setLeaving(null); reload(); }} />
      <AssignModal open={assigning} guides={directory.guides} onClose={() => setAssigning(false)} onDone={() => { setAssigning(false); reload(); }} />
      <MembersDrawer guide={members} onClose={() => setMembers(null)} />
    </Card>
  );
}

function CreateGuideModal({ open, stores, onClose, onSaved }: { open: boolean; stores: { id: string; name: string }[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm();
  const [operators, setOperators] = useState<Operator[] | null>(null);
  useEffect(() => {
    if (open && can('operators:manage')) void api<Page<Operator>>('/operators?limit=200').then((r) => setOperators(r.data), () => setOperators(null));
  }, [open, can]);
  const submit = async (values: { operator_id: string; store_id: string; wecom_user_id?: string }) => {
    try {
      await api('/guides', { method: 'POST', idempotent: true, body: { ...values, wecom_user_id: values.wecom_user_id?.trim() || null } });
      message.success(t('common.saved'));
      form.resetFields();
      onSaved();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name, errors: [e] })));
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={open} title={t('guides.list.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="operator_id" label={t('guides.list.operator')} rules={[{ required: true }]}>
          {operators ? <Select showSearch optionFilterProp="label" options={operators.filter((o) => o.status === 'active').map((o) => ({ value: o.id, label: `${o.name} · ${o.email}` }))} /> : <Input placeholder="operator id" />}
        </Form.Item>
        <Form.Item name="store_id" label={t('guides.list.store')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="wecom_user_id" label={t('guides.list.wecom')}>
          <Input maxLength={64} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function LeaveModal({ guide, guides, onClose, onDone }: { guide: Guide | null; guides: Guide[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [to, setTo] = useState<string>();
  const [reason, setReason] = useState('');
  const submit = () =>
    void api<{ moved: number }>(`/guides/${guide!.id}/leave`, { method: 'POST', idempotent: true, body: { to_guide_id: to ?? null, reason } }).then(
      (r) => {
        message.success(t('guides.list.leaveDone', { moved: r.moved }));
        onDone();
      },
      (e: Error) => message.error(e.message),
    );
  return (
    <Modal open={guide !== null} title={guide && t('guides.list.leaveTitle', { name: guide.name })} onCancel={onClose} onOk={submit} okButtonProps={{ danger: true }} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={t('guides.list.toGuide')} extra={t('guides.list.toGuideHint')}>
          <GuideSelect guides={guides} value={to} onChange={setTo} allowClear exclude={guide?.id} />
        </Form.Item>
        <Form.Item label={t('guides.list.reason')}>
          <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AssignModal({ open, guides, onClose, onDone }: { open: boolean; guides: Guide[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [guideId, setGuideId] = useState<string>();
  const [ids, setIds] = useState('');
  const [reason, setReason] = useState('');
  const submit = () => {
    const memberIds = ids.split(/\s+/).filter(Boolean);
    void api<{ assigned: number }>('/guides/assignments', { method: 'POST', idempotent: true, body: { guide_id: guideId, member_ids: memberIds, reason } }).then(
      (r) => {
        message.success(t('guides.list.assigned', { n: r.assigned }));
        onDone();
      },
      (e: ApiError) => message.error(Object.values(e.fieldErrors)[0] ?? e.message),
    );
  };
  return (
    <Modal open={open} title={t('guides.list.assign')} onCancel={onClose} onOk={submit} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={t('guides.tasks.guide')}>
          <GuideSelect guides={guides} value={guideId} onChange={setGuideId} testId="assign-guide" />
        </Form.Item>
        <Form.Item label={t('guides.list.memberList')} extra={t('guides.list.assignHint')}>
          <Input.TextArea rows={5} value={ids} onChange={(e) => setIds(e.target.value)} data-testid="assign-members" />
        </Form.Item>
        <Form.Item label={t('guides.list.reason')}>
          <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MembersDrawer({ guide, onClose }: { guide: Guide | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={guide !== null} width={640} title={guide && `${guide.name} · ${t('guides.list.memberList')}`} onClose={onClose} destroyOnHidden>
      {guide && <MembersTable guideId={guide.id} />}
    </Drawer>
  );
}

function MembersTable({ guideId }: { guideId: string }) {
  const { t } = useTranslation();
  const list = useCursorList<GuideMember>(`/guides/${guideId}/members`, {});
  return (
    <>
      <Table<GuideMember>
        rowKey="member_id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('guides.tasks.member'), dataIndex: 'member_no', render: (no: string, m) => <a href={`/admin/members/${m.member_id}`}>{no}</a> },
          { title: t('guides.list.source'), dataIndex: 'source', render: (s: GuideMember['source']) => t(`guides.list.sources.${s}`) },
          { title: t('guides.list.since'), dataIndex: 'assigned_at', render: formatTime },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} style={{ marginTop: 12 }}>{t('common.loadMore')}</Button>}
    </>
  );
}
