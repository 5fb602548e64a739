import { useState } from 'react';
import { Alert, App, Modal, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { StoreImportResult } from '@hearth/contracts/stores';
import { api } from '../api.ts';

export function StoreImportModal({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [result, setResult] = useState<StoreImportResult | null>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    setBusy(true);
    try {
      const imported = await api<StoreImportResult>('/stores/import', { method: 'POST', text: { body: await file.text(), contentType: 'text/csv' }, idempotent: true });
      setResult(imported);
      onImported();
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setBusy(false);
    }
    return false;
  };

  return (
    <Modal title={t('stores.importTitle')} open={open} onCancel={() => { setResult(null); onClose(); }} footer={null} width={680} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('stores.importHint')}</Typography.Paragraph>
      <Upload.Dragger accept=".csv,text/csv" showUploadList={false} beforeUpload={upload} disabled={busy}>
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{t('stores.import')}</p>
      </Upload.Dragger>
      {result && (
        <>
          <Alert
            style={{ marginTop: 16 }}
            type={result.failed ? 'warning' : 'success'}
            showIcon
            title={t('stores.importResult', { total: result.total_rows, created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed })}
          />
          {result.errors.length > 0 && (
            <Table
              style={{ marginTop: 12 }}
              size="small"
              rowKey={(e) => `${e.line}-${e.field}-${e.code}`}
              dataSource={result.errors}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: t('stores.line'), dataIndex: 'line', width: 80 },
                { title: t('stores.field'), dataIndex: 'field', width: 120 },
                { title: t('stores.reason'), dataIndex: 'message' },
              ]}
            />
          )}
        </>
      )}
    </Modal>
  );
}
