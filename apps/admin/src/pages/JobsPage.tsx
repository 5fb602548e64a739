import { useState } from 'react';
import { App, Button, Card, Progress, Segmented, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';

interface Job {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  attempts: number;
  max_attempts: number;
  run_at: string;
  last_error: string | null;
  progress_done: number | null;
  progress_total: number | null;
}

const statuses = ['failed', 'queued', 'running', 'succeeded'] as const;
const colors = { queued: 'blue', running: 'processing', succeeded: 'green', failed: 'red', canceled: 'default' } as const;

export function JobsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<string>('failed');
  const list = useCursorList<Job>('/jobs', { status });

  const retry = async (job: Job) => {
    await api(`/jobs/${job.id}/retry`, { method: 'POST' }).then(
      () => message.success(t('jobs.retried')),
      (e: Error) => message.error(e.message),
    );
    await list.reload();
  };

  return (
    <Card title={t('jobs.title')} extra={<Button onClick={list.reload}>{t('common.refresh')}</Button>}>
      <Segmented style={{ marginBottom: 16 }} value={status} onChange={(v) => setStatus(String(v))} options={statuses.map((s) => ({ value: s, label: t(`jobs.status.${s}`) }))} />
      <Table<Job>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('jobs.name'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('common.status'), dataIndex: 'status', render: (v: Job['status']) => <Tag color={colors[v]}>{t(`jobs.status.${v}`)}</Tag> },
          { title: t('jobs.attempts'), render: (_, j) => `${j.attempts} / ${j.max_attempts}` },
          { title: t('jobs.progress'), render: (_, j) => (j.progress_total ? <Progress percent={Math.round(((j.progress_done ?? 0) / j.progress_total) * 100)} size="small" /> : '—') },
          { title: t('jobs.runAt'), dataIndex: 'run_at', render: formatTime },
          { title: t('jobs.lastError'), dataIndex: 'last_error', ellipsis: true, render: (v: string | null) => v?.split('\n')[0] ?? '—' },
          {
            title: t('common.actions'),
            render: (_, j) =>
              can('jobs:write') && (j.status === 'failed' || j.status === 'canceled') && (
                <Button size="small" onClick={() => retry(j)}>
                  {t('jobs.retry')}
                </Button>
              ),
          },
        ]}
      />
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore}>{t('common.loadMore')}</Button>
        </div>
      )}
    </Card>
  );
}
