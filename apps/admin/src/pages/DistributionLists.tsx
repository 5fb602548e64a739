import { useState } from 'react';
import { App, Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Commission, ListedWithdrawal } from '@hearth/contracts/distribution';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { growthErrorText } from './growth-shared.tsx';

const uuid = (text: string) => (/^[0-9a-f-]{36}$/i.test(text.trim()) ? text.trim() : undefined);
const withdrawalColor: Record<ListedWithdrawal['status'], string> = { requested: 'orange', approved: 'blue', paid: 'green', rejected: 'red' };

/** 佣金明细: accruals and reversals, filtered by status (pending / settled), kind (reversal), promoter, order. */
export function CommissionsTable({ promoterId, onPromoter }: { promoterId?: string; onPromoter?: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<Commission['status'] | undefined>();
  const [kind, setKind] = useState<Commission['kind'] | undefined>();
  const [promoter, setPromoter] = useState('');
  const [order, setOrder] = useState('');
  const list = useCursorList<Commission>('/commissions', { status, kind, promoter_id: promoterId ?? uuid(promoter), order_id: uuid(order) });
  const settle = async () => {
    try {
      const r = await api<{ settled: number }>('/commissions/settle', { method: 'POST', idempotent: true });
      message.success(t('distribution.settledCount', { count: r.settled }));
      list.reload();
    } catch (error) {
      message.error(growthErrorText(t, 'distribution', error));
    }
  };
  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Select allowClear style={{ width: 140 }} placeholder={t('common.status')} value={status} onChange={setStatus} options={(['pending', 'settled'] as const).map((s) => ({ value: s, label: t(`distribution.commissionStatus.${s}`) }))} data-testid="commission-status-filter" />
        <Select allowClear style={{ width: 160 }} placeholder={t('distribution.kind')} value={kind} onChange={setKind} options={(['accrual', 'reversal'] as const).map((k) => ({ value: k, label: t(`distribution.kinds.${k}`) }))} />
        {!promoterId && <Input allowClear style={{ width: 300 }} placeholder={t('distribution.promoterFilter')} value={promoter} onChange={(e) => setPromoter(e.target.value)} status={promoter.trim() && !uuid(promoter) ? 'error' : undefined} />}
        <Input allowClear style={{ width: 300 }} placeholder={t('distribution.orderFilter')} value={order} onChange={(e) => setOrder(e.target.value)} status={order.trim() && !uuid(order) ? 'error' : undefined} />
        {!promoterId && can('distribution:manage') && <Button onClick={() => void settle()}>{t('distribution.settle')}</Button>}
      </Space>
      <Table<Commission>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        data-testid="commissions-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('distribution.commissionsEmpty')} /> }}
        columns={[
          { title: t('distribution.createdAt'), dataIndex: 'created_at', render: formatTime },
          ...(promoterId ? [] : [{ title: t('distribution.promoter'), render: (_: unknown, c: Commission) => <a onClick={() => onPromoter?.(c.promoter_id)}>{c.promoter_no ?? c.promoter_id.slice(0, 8)}</a> }]),
          { title: t('distribution.order'), dataIndex: 'order_id', render: (id: string) => <Typography.Text copyable={{ text: id }}>{id.slice(0, 8)}</Typography.Text> },
          { title: t('distribution.level'), dataIndex: 'level', render: (n: number) => t('distribution.levelN', { n }) },
          { title: t('distribution.kind'), dataIndex: 'kind', render: (k: Commission['kind']) => <Tag color={k === 'reversal' ? 'red' : undefined}>{t(`distribution.kinds.${k}`)}</Tag> },
          { title: t('distribution.amount'), dataIndex: 'amount_fen', align: 'right', render: (fen: number) => <Typography.Text type={fen < 0 ? 'danger' : undefined}>{formatFen(fen)}</Typography.Text> },
          { title: t('common.status'), dataIndex: 'status', render: (s: Commission['status']) => <Tag color={s === 'settled' ? 'green' : 'orange'}>{t(`distribution.commissionStatus.${s}`)}</Tag> },
          { title: t('distribution.settlesAt'), dataIndex: 'settles_at', render: formatTime },
        ]}
      />
      {list.hasMore && <Button block style={{ marginTop: 12 }} loading={list.loading} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
    </>
  );
}

/** 提现: requests to approve or reject, approved ones to record the payout of. */
export function WithdrawalsTable({ promoterId, onPromoter, onChanged }: { promoterId?: string; onPromoter?: (id: string) => void; onChanged?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('distribution:manage');
  const [status, setStatus] = useState<ListedWithdrawal['status'] | undefined>();
  const list = useCursorList<ListedWithdrawal>('/withdrawals', { status, promoter_id: promoterId });
  const [paying, setPaying] = useState<ListedWithdrawal | null>(null);
  const [form] = Form.useForm<{ payout_ref: string }>();

  const act = async (w: ListedWithdrawal, action: 'approve' | 'reject' | 'pay', body?: { payout_ref: string }) => {
    try {
      await api(`/withdrawals/${w.id}/${action}`, { method: 'POST', body: body ?? {}, idempotent: true });
      message.success(t('common.saved'));
      list.reload();
      onChanged?.();
      return true;
    } catch (error) {
      message.error(growthErrorText(t, 'distribution', error));
      return false;
    }
  };
  const pay = async () => {
    const v = await form.validateFields();
    if (paying && (await act(paying, 'pay', { payout_ref: v.payout_ref.trim() }))) setPaying(null);
  };

  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Select allowClear style={{ width: 160 }} placeholder={t('common.status')} value={status} onChange={setStatus} options={(['requested', 'approved', 'paid', 'rejected'] as const).map((s) => ({ value: s, label: t(`distribution.withdrawalStatus.${s}`) }))} />
      </Space>
      <Table<ListedWithdrawal>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        data-testid="withdrawals-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('distribution.withdrawalsEmpty')} /> }}
        columns={[
          { title: t('distribution.requestedAt'), dataIndex: 'requested_at', render: formatTime },
          ...(promoterId ? [] : [{ title: t('distribution.promoter'), render: (_: unknown, w: ListedWithdrawal) => <a onClick={() => onPromoter?.(w.promoter_id)}>{w.promoter_no ?? w.promoter_id.slice(0, 8)}</a> }]),
          { title: t('distribution.amount'), dataIndex: 'amount_fen', align: 'right', render: formatFen },
          { title: t('common.status'), dataIndex: 'status', render: (s: ListedWithdrawal['status']) => <Tag color={withdrawalColor[s]}>{t(`distribution.withdrawalStatus.${s}`)}</Tag> },
          { title: t('distribution.decidedAt'), dataIndex: 'decided_at', render: formatTime },
          { title: t('distribution.payoutRef'), render: (_, w) => (w.payout_ref ? `${w.payout_ref} · ${formatTime(w.paid_at)}` : '—') },
          ...(writable
            ? [{
                title: t('common.actions'),
                render: (_: unknown, w: ListedWithdrawal) => (
                  <Space>
                    {w.status === 'requested' && (
                      <Popconfirm title={t('distribution.confirm', { action: t('distribution.approve') })} onConfirm={() => void act(w, 'approve')}>
                        <Button size="small" type="primary">{t('distribution.approve')}</Button>
                      </Popconfirm>
                    )}
                    {w.status === 'approved' && <Button size="small" type="primary" onClick={() => { form.resetFields(); setPaying(w); }}>{t('distribution.pay')}</Button>}
                    {(w.status === 'requested' || w.status === 'approved') && (
                      <Popconfirm title={t('distribution.confirm', { action: t('distribution.reject') })} onConfirm={() => void act(w, 'reject')}>
                        <Button size="small" danger>{t('distribution.reject')}</Button>
                      </Popconfirm>
                    )}
                  </Space>
                ),
              }]
            : []),
        ]}
      />
      {list.hasMore && <Button block style={{ marginTop: 12 }} loading={list.loading} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      <Modal open={paying !== null} title={paying && `${t('distribution.payTitle')} · ${formatFen(paying.amount_fen)}`} onOk={() => void pay()} onCancel={() => setPaying(null)} okText={t('common.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="payout_ref" label={t('distribution.payoutRef')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input maxLength={100} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
