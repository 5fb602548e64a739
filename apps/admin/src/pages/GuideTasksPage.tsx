import { useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Empty, Input, Select, Space, Table, Tag, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { taskDetailSchema, taskSchema } from '@hearth/contracts/guides';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { GuideSelect, useGuideDirectory } from './guides-shared.tsx';

export type Task = z.infer<typeof taskSchema>;
export type TaskDetail = z.infer<typeof taskDetailSchema>;

/** 跟进任务: every guide's tasks (a guide sees their own), done / undone, the trail and the 1-to-1 messages. */
export function GuideTasksPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const directory = useGuideDirectory();
  const [status, setStatus] = useState<string | undefined>('open');
  const [guideId, setGuideId] = useState<string>();
  const [kind, setKind] = useState<string>();
  const list = useCursorList<Task>('/guide-tasks', { status, guide_id: guideId, kind });
  const [open, setOpen] = useState<string | null>(null);

  return (
    <Card
      title={t('guides.tasks.title')}
      data-testid="guide-tasks"
      extra={
        <Space wrap>
          <Select value={status ?? 'all'} onChange={(v) => setStatus(v === 'all' ? undefined : v)} style={{ width: 110 }} options={[{ value: 'all', label: t('guides.tasks.all') }, { value: 'open', label: t('guides.tasks.open') }, { value: 'done', label: t('guides.tasks.done') }]} />
          <Select allowClear placeholder={t('guides.tasks.kind')} value={kind} onChange={setKind} style={{ width: 130 }} options={(['rule', 'journey', 'welcome', 'manual'] as const).map((k) => ({ value: k, label: t(`guides.tasks.kinds.${k}`) }))} />
          {can('guides:manage') && <GuideSelect guides={directory.guides} value={guideId} onChange={setGuideId} allowClear placeholder={t('guides.tasks.guide')} />}
        </Space>
      }
    >
      <Table<Task>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('guides.tasks.empty')} /> }}
        onRow={(task) => ({ onClick: () => setOpen(task.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('guides.tasks.taskTitle'), dataIndex: 'title' },
          { title: t('guides.tasks.member'), dataIndex: 'member_no' },
          { title: t('guides.tasks.guide'), dataIndex: 'guide_id', render: (id: string) => directory.guideName(id) },
          { title: t('guides.tasks.kind'), dataIndex: 'kind', render: (k: Task['kind']) => <Tag>{t(`guides.tasks.kinds.${k}`)}</Tag> },
          { title: t('guides.tasks.due'), dataIndex: 'due_at', render: formatTime },
          { title: t('guides.tasks.status'), render: (_, task) => (task.status === 'done' ? <Tag color="green">{t('guides.tasks.done')} · {task.done_by}</Tag> : <Tag color="orange">{t('guides.tasks.open')}</Tag>) },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} style={{ marginTop: 12 }}>{t('common.loadMore')}</Button>}
      <TaskDrawer taskId={open} onClose={() => setOpen(null)} onChanged={list.reload} guideName={directory.guideName} />
    </Card>
  );
}

function TaskDrawer({ taskId, onClose, onChanged, guideName }: { taskId: string | null; onClose: () => void; onChanged: () => void; guideName: (id: string) => string }) {
  const { t } = useTranslation();
  return (
    <Drawer open={taskId !== null} width={560} title={t('guides.tasks.taskTitle')} onClose={onClose} destroyOnHidden>
      {taskId && <TaskPanel taskId={taskId} onChanged={onChanged} guideName={guideName} />}
    </Drawer>
  );
}

/** One task: its facts, done / undone, the message box and the trail; also used by the guide workbench. */
export function TaskPanel({ taskId, onChanged, guideName }: { taskId: string; onChanged: () => void; guideName?: (id: string) => string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [text, setText] = useState('');
  useEffect(() => {
    void api<TaskDetail>(`/guide-tasks/${taskId}`).then(setTask, (e: Error) => message.error(e.message));
  }, [taskId, message]);
  const act = (path: string, body?: object) =>
    void api<TaskDetail>(`/guide-tasks/${taskId}/${path}`, { method: 'POST', idempotent: true, body }).then(
      (next) => {
        setTask(next);
        onChanged();
        if (path === 'messages') {
          setText('');
          message.success(t('guides.tasks.sent'));
        }
      },
      (e: Error) => message.error(e.message),
    );
  if (!task) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('guides.tasks.taskTitle')}>{task.title}</Descriptions.Item>
        <Descriptions.Item label={t('guides.tasks.member')}>{task.member_no}</Descriptions.Item>
        {guideName && <Descriptions.Item label={t('guides.tasks.guide')}>{guideName(task.guide_id)}</Descriptions.Item>}
        <Descriptions.Item label={t('guides.tasks.kind')}>{t(`guides.tasks.kinds.${task.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t('guides.tasks.due')}>{formatTime(task.due_at)}</Descriptions.Item>
        <Descriptions.Item label={t('guides.tasks.status')}>{task.status === 'done' ? `${t('guides.tasks.done')} · ${task.done_by} · ${formatTime(task.done_at)}` : t('guides.tasks.open')}</Descriptions.Item>
      </Descriptions>
      {task.status === 'open' ? (
        <Button type="primary" block data-testid="task-done" onClick={() => act('done')}>{t('guides.tasks.markDone')}</Button>
      ) : (
        <Button block onClick={() => act('undone')}>{t('guides.tasks.markUndone')}</Button>
      )}
      <div>
        <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('guides.tasks.message')}</div>
        <Input.TextArea rows={3} maxLength={1000} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('guides.tasks.messageHint')} />
        <Button style={{ marginTop: 8 }} disabled={!text.trim()} onClick={() => act('messages', { text })}>{t('guides.tasks.send')}</Button>
      </div>
      {task.messages.length > 0 && (
        <div>
          <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('guides.tasks.messages')}</div>
          {task.messages.map((m) => <div key={m.id} style={{ marginBottom: 6 }}>{formatTime(m.sent_at)} · {m.text}</div>)}
        </div>
      )}
      <Timeline items={task.history.map((h) => ({ children: `${formatTime(h.at)} ${t(`guides.tasks.actions.${h.action}`)} · ${h.by}` }))} />
    </Space>
  );
}
