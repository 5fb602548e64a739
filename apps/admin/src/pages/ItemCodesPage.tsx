import { useEffect, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, InputNumber, Modal, Progress, Radio, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CodeBatch } from '@hearth/contracts/item-codes';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { problemText } from './after-sales-shared.tsx';
import { CodeFlags, CodeLookup, CodeWarranties, ItemCodeSettings } from './ItemCodeTabs.tsx';

const statusColor: Record<CodeBatch['status'], string> = { created: 'default', activated: 'green', deactivated: 'red' };

/** 一物一码: code batches per SKU, looking one code up, the fraud flags and the registered warranties. */
export function ItemCodesPage() {
  const { t } = useTranslation();
  const [lookup, setLookup] = useState<string | undefined>();
  const [tab, setTab] = useState('batches');
  const openCode = (code: string) => {
    setLookup(code);
    setTab('lookup');
  };
  return (
    <Card title={t('itemCodes.title')} data-testid="item-codes-page">
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'batches', label: t('itemCodes.tabs.batches'), children: <CodeBatches /> },
          { key: 'lookup', label: t('itemCodes.tabs.lookup'), children: <CodeLookup initial={lookup} /> },
          { key: 'flags', label: t('itemCodes.tabs.flags'), children: <CodeFlags onOpenCode={openCode} /> },
          { key: 'warranties', label: t('itemCodes.tabs.warranties'), children: <CodeWarranties onOpenCode={openCode} /> },
          { key: 'settings', label: t('itemCodes.tabs.settings'), children: <ItemCodeSettings /> },
        ]}
      />
    </Card>
  );
}

function CodeBatches() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const writable = can('item_codes:manage');
  const [sku, setSku] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [activating, setActivating] = useState<CodeBatch | null>(null);
  const list = useCursorList<CodeBatch>('/item-codes/batches', { sku });
  // Codes are written by a background job: follow the progress while any batch on screen is incomplete.
  const generating = list.rows.some((b) => b.generated < b.quantity);
  const { reload } = list;
  useEffect(() => {
    if (!generating) return;
    const timer = setInterval(reload, 2_000);
    return () => clearInterval(timer);
  }, [generating, reload]);

  const deactivate = (b: CodeBatch) =>
    modal.confirm({
      title: `${t('itemCodes.deactivate')} · ${b.name || b.sku}`,
      content: t('itemCodes.deactivateConfirm'),
      okButtonProps: { danger: true },
      onOk: () => api(`/item-codes/batches/${b.id}/deactivate`, { method: 'POST' }).then(() => { message.success(t('itemCodes.deactivated')); reload(); }, (e: unknown) => message.error(problemText(t, 'itemCodes', e))),
    });

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Input.Search placeholder={t('itemCodes.skuFilter')} allowClear onSearch={(v) => setSku(v.trim() || undefined)} style={{ width: 260 }} />
        {writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="code-batch-create">{t('itemCodes.create')}</Button>}
      </Space>
      <Table<CodeBatch>
        rowKey="id"
        size="middle"
        loading={list.loading && !list.rows.length}
        dataSource={list.rows}
        pagination={false}
        data-testid="code-batches"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        columns={[
          { title: t('itemCodes.name'), render: (_, b) => <Space orientation="vertical" size={0}><Typography.Text strong>{b.name || '—'}</Typography.Text><Typography.Text type="secondary">{b.sku} {b.product_name ?? ''}</Typography.Text></Space> },
          { title: t('itemCodes.quantity'), render: (_, b) => (b.generated < b.quantity ? <Tooltip title={t('itemCodes.generating', { done: b.generated, total: b.quantity })}><Progress percent={Math.floor((b.generated / b.quantity) * 100)} size="small" style={{ width: 120 }} /></Tooltip> : b.quantity.toLocaleString()) },
          { title: t('common.status'), render: (_, b) => <Tag color={statusColor[b.status]}>{t(`itemCodes.status.${b.status}`)}</Tag> },
          { title: t('itemCodes.activatedCodes'), render: (_, b) => b.activated_codes.toLocaleString() },
          { title: t('itemCodes.pointsPerClaim'), dataIndex: 'points_per_claim' },
          { title: t('itemCodes.warrantyMonths'), render: (_, b) => b.warranty_months ?? t('itemCodes.noWarranty') },
          { title: t('itemCodes.createdAt'), render: (_, b) => formatTime(b.created_at) },
          {
            title: t('common.actions'),
            render: (_, b) => (
              <Space>
                {writable && b.status !== 'deactivated' && b.activated_codes < b.quantity && <Button size="small" onClick={() => setActivating(b)} data-testid="code-batch-activate">{t('itemCodes.activate')}</Button>}
                {writable && b.status !== 'deactivated' && <Button size="small" danger onClick={() => deactivate(b)}>{t('itemCodes.deactivate')}</Button>}
                {writable && (
                  <Tooltip title={t('itemCodes.csvHint')}>
                    <Button size="small" icon={<DownloadOutlined />} disabled={b.generated < b.quantity} href={`/api/v1/item-codes/batches/${b.id}/codes.csv`} data-testid="code-batch-csv">CSV</Button>
                  </Tooltip>
                )}
              </Space>
            ),
          },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} loading={list.loading}>{t('common.loadMore')}</Button>}
      {creating && <CreateBatch onClose={() => setCreating(false)} onSaved={reload} />}
      {activating && <ActivateBatch batch={activating} onClose={() => setActivating(null)} onSaved={reload} />}
    </Space>
  );
}

function CreateBatch({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ sku: string; name?: string; quantity: number; points_per_claim: number; warranty_months?: number | null }>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await api('/item-codes/batches', { method: 'POST', body: { ...v, name: v.name ?? '', warranty_months: v.warranty_months ?? null }, idempotent: true });
      message.success(t('itemCodes.created', { n: v.quantity }));
      onSaved();
      onClose();
    } catch (error) {
      message.error(problemText(t, 'itemCodes', error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('itemCodes.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'code-batch-save' }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ quantity: 1000, points_per_claim: 0 }}>
        <Form.Item name="sku" label={t('itemCodes.sku')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} data-testid="code-batch-sku" /></Form.Item>
        <Form.Item name="name" label={t('itemCodes.name')}><Input maxLength={100} data-testid="code-batch-name" /></Form.Item>
        <Space wrap>
          <Form.Item name="quantity" label={t('itemCodes.quantity')} rules={[{ required: true }]}><InputNumber min={1} max={1_000_000} precision={0} style={{ width: 160 }} data-testid="code-batch-quantity" /></Form.Item>
          <Form.Item name="points_per_claim" label={t('itemCodes.pointsPerClaim')}><InputNumber min={0} max={100_000} precision={0} /></Form.Item>
          <Form.Item name="warranty_months" label={t('itemCodes.warrantyMonths')}><InputNumber min={1} max={120} precision={0} placeholder={t('itemCodes.noWarranty')} /></Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function ActivateBatch({ batch, onClose, onSaved }: { batch: CodeBatch; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [range, setRange] = useState(false);
  const [from, setFrom] = useState<number | null>(1);
  const [to, setTo] = useState<number | null>(batch.quantity);
  const save = async () => {
    try {
      await api(`/item-codes/batches/${batch.id}/activate`, { method: 'POST', body: range ? { from_seq: from ?? undefined, to_seq: to ?? undefined } : {} });
      message.success(t('itemCodes.activated'));
      onSaved();
      onClose();
    } catch (error) {
      message.error(problemText(t, 'itemCodes', error));
    }
  };
  return (
    <Modal open title={`${t('itemCodes.activateTitle')} · ${batch.name || batch.sku}`} onCancel={onClose} onOk={() => void save()} okText={t('itemCodes.activate')} okButtonProps={{ 'data-testid': 'code-batch-activate-ok' }} destroyOnHidden>
      <Radio.Group value={range} onChange={(e) => setRange(e.target.value as boolean)} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        <Radio value={false}>{t('itemCodes.activateWhole')}</Radio>
        <Radio value={true}>{t('itemCodes.activateRange')}</Radio>
      </Radio.Group>
      {range && (
        <Space style={{ marginTop: 12 }}>
          <Typography.Text>{t('itemCodes.fromSeq')}</Typography.Text>
          <InputNumber min={1} max={batch.quantity} precision={0} value={from} onChange={setFrom} />
          <Typography.Text>{t('itemCodes.toSeq')}</Typography.Text>
          <InputNumber min={1} max={batch.quantity} precision={0} value={to} onChange={setTo} />
        </Space>
      )}
    </Modal>
  );
}
