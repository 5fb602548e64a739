import { useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, Descriptions, Drawer, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Order, OrderImport } from '@hearth/contracts/orders';
import { api } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { CsvImportCard } from './CsvImportCard.tsx';

const statusColor = { paid: 'green', partially_refunded: 'orange', refunded: 'default' } as const;

export function OrdersPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  return (
    <Card title={t('orders.title')}>
      <Tabs
        items={[
          { key: 'list', label: t('orders.list'), children: <OrderList /> },
          ...(can('orders:write')
            ? [
                {
                  key: 'import',
                  label: t('orders.import'),
                  children: (
                    <CsvImportCard<OrderImport>
                      base="/orders"
                      hint={t('orders.importHint')}
                      doneRows={(r) => r.processed_rows}
                      counts={[
                        { key: 'created', title: t('imports.created') },
                        { key: 'duplicates', title: t('orders.duplicates') },
                        { key: 'failed', title: t('imports.failed') },
                      ]}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

function OrderList() {
  const { t } = useTranslation();
  const [externalId, setExternalId] = useState<string>();
  const [open, setOpen] = useState<Order | null>(null);
  const list = useCursorList<Order>('/orders', { external_id: externalId });
  return (
    <>
      <Input.Search allowClear placeholder={t('orders.externalId')} onSearch={(v) => setExternalId(v || undefined)} style={{ width: 260, marginBottom: 16 }} />
      <Table<Order>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        onRow={(order) => ({ onClick: () => setOpen(order), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('orders.externalId'), dataIndex: 'external_id' },
          { title: t('orders.occurredAt'), dataIndex: 'occurred_at', render: formatTime },
          { title: t('orders.channel'), dataIndex: 'channel', render: (v: string) => t(`members.channels.${v}`) },
          { title: t('orders.member'), dataIndex: 'member_id', render: (v: string | null) => (v ? <Tag color="orange">{t('orders.member')}</Tag> : <Tag>{t('orders.guest')}</Tag>) },
          { title: t('orders.total'), dataIndex: 'total_paid_fen', align: 'right', render: formatFen },
          { title: t('orders.refunded'), dataIndex: 'refunded_fen', align: 'right', render: (v: number) => (v ? formatFen(v) : '—') },
          { title: t('common.status'), dataIndex: 'status', render: (v: Order['status']) => <Tag color={statusColor[v]}>{t(`orders.status.${v}`)}</Tag> },
        ]}
      />
      {list.hasMore && (
        <Space style={{ width: '100%', justifyContent: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore}>{t('common.loadMore')}</Button>
        </Space>
      )}
      <OrderDrawer
        order={open}
        onClose={() => setOpen(null)}
        onChanged={(order) => {
          setOpen(order);
          void list.reload();
        }}
      />
    </>
  );
}

function OrderDrawer({ order, onClose, onChanged }: { order: Order | null; onClose: () => void; onChanged: (order: Order) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const navigate = useNavigate();
  const [refunding, setRefunding] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const fen = yuanToFen(amount);

  const refund = async () => {
    try {
      // A fresh external id per refund made here; the Idempotency-Key guards a double click.
      const result = await api<{ order: Order }>(`/orders/${order!.id}/refunds`, { method: 'POST', body: { external_refund_id: `console-${crypto.randomUUID()}`, amount_fen: fen, reason }, idempotent: true });
      message.success(t('orders.refundDone'));
      setRefunding(false);
      setAmount('');
      onChanged(result.order);
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Drawer title={order?.external_id} open={order !== null} onClose={onClose} size={640}
      extra={can('orders:write') && order && order.status !== 'refunded' && <Button danger onClick={() => setRefunding(true)}>{t('orders.refund')}</Button>}>
      {order && (
        <>
          <Descriptions column={2} size="small" style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('orders.occurredAt')}>{formatTime(order.occurred_at)}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>{t(`orders.status.${order.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.total')}>{formatFen(order.total_paid_fen)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.refunded')}>{formatFen(order.refunded_fen)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.member')}>{order.member_id ? <a onClick={() => navigate(`/members/${order.member_id}`)}>{order.member_id.slice(-8)}</a> : t('orders.guest')}</Descriptions.Item>
            <Descriptions.Item label={t('orders.channel')}>{t(`members.channels.${order.channel}`)}</Descriptions.Item>
          </Descriptions>
          <Table
            rowKey="line_no"
            size="small"
            pagination={false}
            dataSource={order.lines}
            columns={[
              { title: t('orders.sku'), dataIndex: 'sku' },
              { title: t('orders.qty'), dataIndex: 'qty', align: 'right' },
              { title: t('orders.unitPrice'), dataIndex: 'unit_price_fen', align: 'right', render: formatFen },
              { title: t('orders.discount'), dataIndex: 'discount_fen', align: 'right', render: formatFen },
              { title: t('orders.paid'), dataIndex: 'paid_fen', align: 'right', render: formatFen },
              { title: t('orders.refunded'), dataIndex: 'refunded_fen', align: 'right', render: (v: number) => (v ? formatFen(v) : '—') },
            ]}
          />
        </>
      )}
      <Modal title={t('orders.refund')} open={refunding} onOk={refund} onCancel={() => setRefunding(false)} okButtonProps={{ danger: true, disabled: !fen }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input prefix="¥" placeholder={t('orders.refundAmount')} value={amount} onChange={(e) => setAmount(e.target.value)} status={amount && !fen ? 'error' : undefined} />
          <Input placeholder={t('orders.refundReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Space>
      </Modal>
    </Drawer>
  );
}
