import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Drawer, Empty, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, TrophyOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { Contest, Entry, winnerSchema } from '@hearth/contracts/contests';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { experienceErrorText } from './ExperiencePage.tsx';

type Winner = z.infer<typeof winnerSchema>;
const statusColor: Record<Entry['status'], string> = { pending: 'orange', approved: 'green', rejected: 'red' };

/** 评选大赛: contests, their entries to moderate and score, and the winners. */
export function ContestsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [contests, setContests] = useState<Contest[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<Contest | null>(null);
  const load = useCallback(() => void api<{ data: Contest[] }>('/contests').then((r) => setContests(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  return (
    <Card title={t('contests.title')} data-testid="contests-page" extra={can('contests:manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('contests.create')}</Button>}>
      <Table<Contest>
        rowKey="id"
        loading={!contests}
        dataSource={contests ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contests.empty')} /> }}
        columns={[
          { title: t('contests.name'), render: (_, c) => <a onClick={() => setOpen(c)}>{c.title}</a> },
          { title: t('contests.submitWindow'), render: (_, c) => `${formatTime(c.submit_from)} ~ ${formatTime(c.submit_until)}` },
          { title: t('contests.voteWindow'), render: (_, c) => `${formatTime(c.vote_from)} ~ ${formatTime(c.vote_until)}` },
          { title: t('contests.votesPerDay'), render: (_, c) => `${c.votes_per_day} / ${c.votes_total}` },
          { title: t('common.status'), render: (_, c) => (c.finalized_at ? <Tag color="gold">{t('contests.finalized')}</Tag> : null) },
        ]}
      />
      {creating && <CreateModal onClose={() => setCreating(false)} onSaved={load} />}
      {open && <EntriesDrawer contest={open} onClose={() => setOpen(null)} onChanged={load} />}
    </Card>
  );
}

function CreateModal({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ title: string; description?: string; submit: [Dayjs, Dayjs]; vote: [Dayjs, Dayjs]; votes_per_day: number; votes_total: number; vote_weight: number; rewards: string }>();
  const save = async () => {
    const v = await form.validateFields();
    const body = {
      title: v.title,
      description: v.description || null,
      submit_from: v.submit[0].toISOString(),
      submit_until: v.submit[1].toISOString(),
      vote_from: v.vote[0].toISOString(),
      vote_until: v.vote[1].toISOString(),
      votes_per_day: v.votes_per_day,
      votes_total: v.votes_total,
      vote_weight_bp: Math.round(v.vote_weight * 100),
      rewards: v.rewards.split(/[,，\s]+/).filter(Boolean).map((p) => ({ kind: 'points', points: Number(p) })),
    };
    try {
      await api('/contests', { method: 'POST', body, idempotent: true });
      message.success(t('common.saved'));
      onSaved();
      onClose();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  return (
    <Modal open title={t('contests.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ submit: [dayjs(), dayjs().add(7, 'day')], vote: [dayjs(), dayjs().add(14, 'day')], votes_per_day: 3, votes_total: 10, vote_weight: 50, rewards: '500, 300, 100' }}>
        <Form.Item name="title" label={t('contests.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="description" label={t('experience.description')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
        <Form.Item name="submit" label={t('contests.submitWindow')} rules={[{ required: true }]}><DatePicker.RangePicker showTime /></Form.Item>
        <Form.Item name="vote" label={t('contests.voteWindow')} rules={[{ required: true }]}><DatePicker.RangePicker showTime /></Form.Item>
        <Space wrap>
          <Form.Item name="votes_per_day" label={t('contests.votesPerDay')}><InputNumber min={1} max={100} /></Form.Item>
          <Form.Item name="votes_total" label={t('contests.votesTotal')}><InputNumber min={1} max={10000} /></Form.Item>
          <Form.Item name="vote_weight" label={t('contests.voteWeight')}><InputNumber min={0} max={100} /></Form.Item>
        </Space>
        <Form.Item name="rewards" label={t('contests.rewards')}><Input /></Form.Item>
      </Form>
    </Modal>
  );
}

function EntriesDrawer({ contest, onClose, onChanged }: { contest: Contest; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const writable = can('contests:manage');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [winners, setWinners] = useState<Winner[]>([]);
  const load = useCallback(() => {
    void api<{ data: Entry[] }>(`/contests/${contest.id}/entries`).then((r) => setEntries(r.data), (e: Error) => message.error(e.message));
    void api<{ data: Winner[] }>(`/contests/${contest.id}/winners`).then((r) => setWinners(r.data));
  }, [contest.id, message]);
  useEffect(load, [load]);
  const call = (path: string, method: 'POST' | 'PUT', body?: object) => api(path, { method, body }).then(load, (e: unknown) => message.error(experienceErrorText(t, e)));
  const reject = (e: Entry) => {
    let reason = '';
    modal.confirm({ title: t('contests.rejectReason'), content: <Input.TextArea maxLength={500} onChange={(ev) => (reason = ev.target.value)} />, onOk: () => call(`/contest-entries/${e.id}/moderation`, 'POST', { status: 'rejected', reason }) });
  };
  const finalize = () => void call(`/contests/${contest.id}/finalize`, 'POST').then(onChanged);
  return (
    <Drawer open width={960} title={contest.title} onClose={onClose} extra={writable && !contest.finalized_at && <Button icon={<TrophyOutlined />} onClick={finalize}>{t('contests.finalize')}</Button>}>
      {winners.length > 0 && (
        <>
          <Typography.Title level={5}>{t('contests.winners')}</Typography.Title>
          <Table<Winner> rowKey="rank" size="small" pagination={false} dataSource={winners} style={{ marginBottom: 24 }} columns={[{ title: t('contests.rank'), dataIndex: 'rank' }, { title: t('contests.member'), dataIndex: 'member_no' }, { title: t('contests.work'), dataIndex: 'title' }, { title: t('contests.votes'), dataIndex: 'votes' }, { title: t('contests.jury'), dataIndex: 'jury_score' }, { title: t('contests.score'), dataIndex: 'score' }]} />
        </>
      )}
      <Typography.Title level={5}>{t('contests.entries')}</Typography.Title>
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={!entries}
        dataSource={entries ?? []}
        columns={[
          { title: t('contests.member'), dataIndex: 'member_no', width: 110 },
          { title: t('contests.work'), render: (_, e) => <Space orientation="vertical" size={0}><Typography.Text strong>{e.title}</Typography.Text><Typography.Text type="secondary" ellipsis style={{ maxWidth: 280 }}>{e.text}</Typography.Text><Space>{e.image_urls.map((u) => <a key={u} href={u} target="_blank" rel="noreferrer">{u.split('/').pop()}</a>)}</Space></Space> },
          { title: t('common.status'), render: (_, e) => <Space orientation="vertical" size={0}><Tag color={statusColor[e.status]}>{t(`contests.status.${e.status}`)}</Tag>{e.reject_reason && <Typography.Text type="secondary">{e.reject_reason}</Typography.Text>}</Space> },
          { title: t('contests.votes'), dataIndex: 'votes' },
          { title: t('contests.shares'), dataIndex: 'shares' },
          { title: t('contests.jury'), render: (_, e) => (writable && !contest.finalized_at ? <InputNumber size="small" min={0} max={100} defaultValue={e.jury_score ?? undefined} onBlur={(ev) => ev.target.value !== '' && void call(`/contest-entries/${e.id}/jury`, 'PUT', { score: Number(ev.target.value) })} /> : (e.jury_score ?? '—')) },
          {
            title: t('common.actions'),
            render: (_, e) =>
              writable && (
                <Space>
                  {e.status !== 'approved' && <Button size="small" onClick={() => void call(`/contest-entries/${e.id}/moderation`, 'POST', { status: 'approved' })}>{t('contests.approve')}</Button>}
                  {e.status !== 'rejected' && <Button size="small" danger onClick={() => reject(e)}>{t('contests.reject')}</Button>}
                </Space>
              ),
          },
        ]}
      />
    </Drawer>
  );
}
