import { Button, Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../format.ts';
import { useCursorList } from '../use-cursor-list.ts';

interface AuditRow {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_label: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export function AuditLogPage() {
  const { t } = useTranslation();
  const list = useCursorList<AuditRow>('/audit-log', {}, 50);
  return (
    <Card title={t('audit.title')}>
      <Table<AuditRow>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        expandable={{ expandedRowRender: (row) => <pre style={{ margin: 0 }}>{JSON.stringify(row.details, null, 2)}</pre> }}
        columns={[
          { title: t('audit.time'), dataIndex: 'occurred_at', width: 180, render: formatTime },
          { title: t('audit.actor'), render: (_, r) => <><Tag>{r.actor_type}</Tag>{r.actor_label}</> },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('audit.resource'), render: (_, r) => (r.resource_type ? `${r.resource_type} ${r.resource_id ?? ''}` : '—') },
          { title: t('audit.requestId'), dataIndex: 'request_id', render: (v: string | null) => <Typography.Text type="secondary">{v ?? '—'}</Typography.Text> },
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
