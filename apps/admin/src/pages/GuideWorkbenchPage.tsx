import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Empty, List, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { LeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { guideMemberSchema, sidebarSchema } from '@hearth/contracts/guides';
import { api, ApiError, type Page } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { TaskPanel, type Task } from './GuideTasksPage.tsx';
import type { Guide } from './guides-shared.tsx';
import { currentWecomContact } from '../wecom-context.ts';

type Sidebar = z.infer<typeof sidebarSchema>;
type GuideMember = z.infer<typeof guideMemberSchema>;

/**
 * 导购工作台: a narrow page for the WeCom sidebar (or a phone). The guide signs in to the console as an operator;
 * `?member=<id>` opens a member directly, `?contact=<external userid>` the member behind a WeCom contact — which is
 * what the page opens by itself inside WeCom's chat sidebar, asking the JS-SDK for the chat's contact.
 */
export function GuideWorkbenchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [me, setMe] = useState<Guide | null | 'none'>(null);
  const memberId = params.get('member');
  const contactId = params.get('contact');
  const taskId = params.get('task');
  useEffect(() => void api<Guide>('/guides/me').then(setMe, () => setMe('none')), []);
  const go = (next: Record<string, string>) => setParams(next);
  useEffect(() => {
    if (params.size) return;
    void currentWecomContact().then((contact) => contact && setParams({ contact }, { replace: true }));
    // Only on opening: going back to the lists later must not jump to the chat's contact again.
  }, []);
  const subject = memberId ? { member: memberId } : contactId ? { contact: contactId } : null;

  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12, background: '#f7f7f8', minHeight: '100vh' }} data-testid="guide-workbench">
      <Typography.Title level={4} style={{ margin: '4px 0 12px' }}>{t('guides.sidebar.title')}{me && me !== 'none' && <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 8 }}>{me.name}</Typography.Text>}</Typography.Title>
      {me === null && <Spin />}
      {me === 'none' && <Alert type="info" message={t('guides.sidebar.noGuide')} />}
      {me && me !== 'none' && (subject || taskId) && <Button type="link" icon={<LeftOutlined />} style={{ padding: 0, marginBottom: 8 }} onClick={() => go({})}>{t('guides.sidebar.back')}</Button>}
      {me && me !== 'none' && taskId && <Card size="small"><TaskPanel taskId={taskId} onChanged={() => undefined} /></Card>}
      {me && me !== 'none' && !taskId && subject && <MemberSidebar subject={subject} onTask={(id) => go({ task: id })} />}
      {me && me !== 'none' && !taskId && !subject && (
        <Tabs
          items={[
            { key: 'tasks', label: t('guides.sidebar.myTasks'), children: <MyTasks onOpen={(task) => go({ task: task.id })} /> },
            { key: 'members', label: t('guides.sidebar.myMembers'), children: <MyMembers onOpen={(id) => go({ member: id })} /> },
          ]}
        />
      )}
    </div>
  );
}

function MyTasks({ onOpen }: { onOpen: (task: Task) => void }) {
  const { t } = useTranslation();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  useEffect(() => void api<Page<Task>>('/guide-tasks?status=open&limit=100').then((r) => setTasks(r.data), () => setTasks([])), []);
  if (!tasks) return <Spin />;
  return (
    <List
      dataSource={tasks}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('guides.tasks.empty')} /> }}
      renderItem={(task) => (
        <List.Item onClick={() => onOpen(task)} style={{ cursor: 'pointer', background: '#fff', padding: '10px 12px', marginBottom: 8, borderRadius: 8 }} data-testid="workbench-task">
          <List.Item.Meta title={task.title} description={`${task.member_no} · ${t('guides.tasks.due')} ${formatTime(task.due_at)}`} />
          <Tag>{t(`guides.tasks.kinds.${task.kind}`)}</Tag>
        </List.Item>
      )}
    />
  );
}

function MyMembers({ onOpen }: { onOpen: (memberId: string) => void }) {
  const { t } = useTranslation();
  const [members, setMembers] = useState<GuideMember[] | null>(null);
  useEffect(() => void api<Page<GuideMember>>('/guides/me/members?limit=200').then((r) => setMembers(r.data), () => setMembers([])), []);
  if (!members) return <Spin />;
  return (
    <List
      dataSource={members}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
      renderItem={(m) => (
        <List.Item onClick={() => onOpen(m.member_id)} style={{ cursor: 'pointer', background: '#fff', padding: '10px 12px', marginBottom: 8, borderRadius: 8 }}>
          <List.Item.Meta title={m.member_no} description={`${t(`guides.list.sources.${m.source}`)} · ${formatTime(m.assigned_at)}`} />
        </List.Item>
      )}
    />
  );
}

function MemberSidebar({ subject, onTask }: { subject: { member: string } | { contact: string }; onTask: (taskId: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [data, setData] = useState<Sidebar | null | 'missing' | 'not_member'>(null);
  const path = 'member' in subject ? `/guide-sidebar/${subject.member}` : `/guide-sidebar/contacts/${encodeURIComponent(subject.contact)}`;
  useEffect(() => {
    setData(null);
    void api<Sidebar>(path).then(setData, (e: ApiError) => {
      if (e.code === 'WECOM_CONTACT_NOT_MEMBER') setData('not_member');
      else if (e.status === 404) setData('missing');
      else void message.error(e.message);
    });
  }, [path, message]);
  if (data === null) return <Spin />;
  if (data === 'missing') return <Empty description={t('guides.sidebar.none')} />;
  if (data === 'not_member') return <Empty description={t('guides.sidebar.notMember')} data-testid="sidebar-not-member" />;
  const m = data.member;
  const suggestions = [...data.recommendations.complementary.map((i) => ({ ...i, kind: 'complementary' as const })), ...data.recommendations.upgrade.map((i) => ({ ...i, kind: 'upgrade' as const }))];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="small" data-testid="guide-sidebar">
      <Card size="small" title={t('guides.sidebar.profile')}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('members.memberNo')}>{m.member_no}</Descriptions.Item>
          <Descriptions.Item label={t('members.name')}>{m.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.phone')}>{m.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('guides.sidebar.registered')}>{formatTime(m.registered_at)}</Descriptions.Item>
          <Descriptions.Item label={t('guides.sidebar.tier')}>{data.tiers.map((tier) => <Tag key={tier.program.id} color="gold">{tier.tier.name}</Tag>)}</Descriptions.Item>
          <Descriptions.Item label={t('guides.sidebar.points')}>
            {data.points.balance}
            {data.points.expiring.points > 0 && <Typography.Text type="warning" style={{ marginLeft: 8 }}>{t('guides.sidebar.expiring', { points: data.points.expiring.points, days: data.points.expiring.within_days })}</Typography.Text>}
          </Descriptions.Item>
        </Descriptions>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('guides.sidebar.viewNote')}</Typography.Text>
      </Card>
      <Card size="small" title={t('guides.sidebar.openTasks')}>
        {data.open_tasks.length ? data.open_tasks.map((task) => <div key={task.id}><Button type="link" style={{ padding: 0 }} onClick={() => onTask(task.id)}>{task.title}</Button></div>) : t('guides.sidebar.none')}
      </Card>
      <Card size="small" title={t('guides.sidebar.coupons')}>
        {data.coupons.length ? data.coupons.map((c) => <Tag key={c.id} color="orange" style={{ marginBottom: 4 }}>{c.template_name}</Tag>) : t('guides.sidebar.none')}
      </Card>
      <Card size="small" title={t('guides.sidebar.orders')}>
        {data.recent_orders.length
          ? data.recent_orders.map((o) => <div key={o.id}>{formatTime(o.occurred_at)} · {formatFen(o.total_paid_fen)} · {o.lines.map((l) => l.sku).join(', ')}</div>)
          : t('guides.sidebar.none')}
      </Card>
      <Card size="small" title={t('guides.sidebar.suggestions')}>
        {suggestions.length
          ? suggestions.map((s) => <div key={s.sku}><Tag>{t(`guides.sidebar.${s.kind}`)}</Tag>{s.name} · {formatFen(s.list_price_fen)}</div>)
          : t('guides.sidebar.none')}
      </Card>
    </Space>
  );
}
