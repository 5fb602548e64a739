import { useEffect, useRef, type ReactNode } from 'react';
import { App, Button, Progress, Table, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import { formatTime } from '../format.ts';
import { useCursorList } from '../use-cursor-list.ts';

export interface CsvImportRow {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file_name: string | null;
  created_at: string;
  total_rows: number | null;
  failed: number;
}

/**
 * An upload area and the list of imports of one kind (members, orders …), following running imports
 * until they finish. `base` is the API path of the kind, e.g. `/members`.
 */
export function CsvImportCard<R extends CsvImportRow>({ base, hint, counts, doneRows }: { base: string; hint: ReactNode; counts: { key: keyof R & string; title: string }[]; doneRows: (row: R) => number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useCursorList<R>(`${base}/imports`, {});
  const reload = useRef(list.reload);
  reload.current = list.reload;
  const active = list.rows.some((r) => r.status === 'queued' || r.status === 'running');

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reload.current(), 1000);
    return () => clearInterval(timer);
  }, [active]);

  const upload = async (file: File) => {
    // The file goes up as a stream, not parsed in the page: it may hold a million rows.
    const response = await fetch(`/api/v1${base}/import?file_name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'text/csv', [CSRF_HEADER]: '1', 'idempotency-key': crypto.randomUUID() },
      body: file,
    });
    if (!response.ok) message.error(((await response.json().catch(() => ({}))) as { detail?: string }).detail ?? `HTTP ${response.status}`);
    await list.reload();
    return false;
  };

  return (
    <>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Upload.Dragger accept=".csv,text/csv" showUploadList={false} beforeUpload={upload}>
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{t('imports.upload')}</p>
      </Upload.Dragger>
      <Table<R>
        style={{ marginTop: 16 }}
        rowKey="id"
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('imports.file'), dataIndex: 'file_name', render: (v: string | null) => v ?? '—' },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
          { title: t('common.status'), dataIndex: 'status', render: (v: CsvImportRow['status']) => <Tag color={v === 'succeeded' ? 'green' : v === 'failed' ? 'red' : 'blue'}>{t(`imports.status.${v}`)}</Tag> },
          {
            title: t('imports.progress'),
            width: 200,
            render: (_, r) => <Progress size="small" percent={r.total_rows ? Math.min(100, Math.round((doneRows(r) / r.total_rows) * 100)) : 0} status={r.status === 'failed' ? 'exception' : undefined} />,
          },
          ...counts.map((c) => ({ title: c.title, dataIndex: c.key })),
          {
            title: t('common.actions'),
            render: (_, r) =>
              r.failed > 0 && (
                <Button size="small" href={`/api/v1${base}/imports/${r.id}/errors.csv`}>
                  {t('imports.errors')}
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}
