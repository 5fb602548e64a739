import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Drawer, Empty, Popconfirm, Row, Select, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Dashboard, Promoter } from '@hearth/contracts/distribution';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { CommissionPlanForm } from './CommissionPlanForm.tsx';
import { CommissionsTable, WithdrawalsTable } from './DistributionLists.tsx';
import { growthErrorText, MemberLink } from './growth-shared.tsx';

const promoterColor: Record<Promoter['status'], string> = { applied: 'orange', approved: 'green', rejected: 'red', suspended: 'default' };

/** 分销: the commission plan (two levels at most), promoters, commission entries, withdrawals, and each promoter's dashboard. */
export function DistributionPage() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Card title={t('distribution.title')} data-testid="distribution-page">
      <Tabs
        destroyOnHidden
        items={[
          { key: 'plan', label: t('distribution.tabs.plan'), children: <CommissionPlanForm /> },
          { key: 'promoters', label: t('distribution.tabs.promoters'), children: <PromotersTable onOpen={setOpen} /> },
          { key: 'commissions', label: t('distribution.tabs.commissions'), children: <CommissionsTable onPromoter={setOpen} /> },
          { key: 'withdrawals', label: t('distribution.tabs.withdrawals'), children: <WithdrawalsTable onPromoter={setOpen} /> },
        ]}
      />
      <PromoterDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
}

function PromotersTable({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('distribution:manage');
  const [status, setStatus] = useState<Promoter['status'] | undefined>();
  const list = useCursorList<Promoter>('/promoters', { status });
  const decide = async (p: Promoter, decision: 'approve' | 'reject' | 'suspend') => {
    try {
      await api(`/promoters/${p.member_id}/${decision}`, { method: 'POST', idempotent: true });
      message.success(t('common.saved'));
      list.reload();
    } catch (error) {
      message.error(growthErrorText(t, 'distribution', error));
    }
  };
  const action = (p: Promoter, decision: 'approve' | 'reject' | 'suspend', danger = false) => (
    <Popconfirm key={decision} title={t('distribution.confirm', { action: t(`distribution.${decision}`) })} onConfirm={() => void decide(p, decision)}>
      <Button size="small" type={danger ? 'default' : 'primary'} danger={danger} data-testid={`promoter-${decision}`}>{t(`distribution.${decision}`)}</Button>
    </Popconfirm>
  );
  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Select allowClear style={{ width: 160 }} placeholder={t('common.status')} value={status} onChange={setStatus} options={(['applied', 'approved', 'rejected', 'suspended'] as const).map((s) => ({ value: s, label: t(`distribution.status.${s}`) }))} data-testid="promoter-status-filter" />
      </Space>
      <Table<Promoter>
        rowKey="member_id"
        size="middle"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        data-testid="promoters-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('distribution.promotersEmpty')} /> }}
        columns={[
          { title: t('distribution.member'), render: (_, p) => <MemberLink id={p.member_id} no={p.member_no} /> },
          { title: t('distribution.code'), dataIndex: 'code', render: (code: string) => <Typography.Text code copyable>{code}</Typography.Text> },
          { title: t('common.status'), dataIndex: 'status', render: (s: Promoter['status']) => <Tag color={promoterColor[s]}>{t(`distribution.status.${s}`)}</Tag> },
          { title: t('distribution.level'), render: (_, p) => <Tag color={p.recruiter_id ? 'purple' : 'gold'}>{t(p.recruiter_id ? 'distribution.levelSub' : 'distribution.levelTop')}</Tag> },
          { title: t('distribution.recruiter'), render: (_, p) => (p.recruiter_id ? <a onClick={() => onOpen(p.recruiter_id!)}>{p.recruiter_no ?? p.recruiter_id.slice(0, 8)}</a> : <Typography.Text type="secondary">{t('distribution.noRecruiter')}</Typography.Text>) },
          { title: t('distribution.source'), dataIndex: 'source', render: (s: Promoter['source']) => t(`distribution.sources.${s}`) },
          { title: t('distribution.appliedAt'), dataIndex: 'applied_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => onOpen(p.member_id)} data-testid="promoter-dashboard">{t('distribution.dashboard')}</Button>
                {writable && p.status === 'applied' && [action(p, 'approve'), action(p, 'reject', true)]}
                {writable && p.status === 'suspended' && action(p, 'approve')}
                {writable && p.status === 'approved' && action(p, 'suspend', true)}
              </Space>
            ),
          },
        ]}
      />
      {list.hasMore && <Button block style={{ marginTop: 12 }} loading={list.loading} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
    </>
  );
}

/** One promoter: who they are, their clicks, orders and commission pending / settled / withdrawn, and the entries behind it. */
function PromoterDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [promoter, setPromoter] = useState<Promoter | null>(null);
  const [board, setBoard] = useState<Dashboard | null>(null);
  const load = useCallback(() => {
    if (!id) return;
    void Promise.all([api<Promoter>(`/promoters/${id}`), api<Dashboard>(`/promoters/${id}/dashboard`)]).then(
      ([p, d]) => {
        setPromoter(p);
        setBoard(d);
      },
      (e) => message.error(growthErrorText(t, 'distribution', e)),
    );
  }, [id, message, t]);
  useEffect(() => {
    setPromoter(null);
    setBoard(null);
    load();
  }, [load]);
  const money = (label: string, fen: number, color?: string) => <Col span={4}><Statistic title={label} value={formatFen(fen)} styles={color ? { content: { color } } : undefined} /></Col>;
  return (
    <Drawer open={id !== null} onClose={onClose} width={960} title={t('distribution.dashboardTitle', { who: promoter?.member_no ?? id?.slice(0, 8) ?? '' })} destroyOnHidden>
      {!promoter || !board ? (
        <Spin />
      ) : (
        <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="promoter-board">
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('distribution.member')}><MemberLink id={promoter.member_id} no={promoter.member_no} /></Descriptions.Item>
            <Descriptions.Item label={t('common.status')}><Tag color={promoterColor[promoter.status]}>{t(`distribution.status.${promoter.status}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('distribution.code')}><Typography.Text code copyable>{promoter.code}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('distribution.recruiter')}>{promoter.recruiter_id ? <MemberLink id={promoter.recruiter_id} no={promoter.recruiter_no} /> : t('distribution.noRecruiter')}</Descriptions.Item>
            <Descriptions.Item label={t('distribution.appliedAt')}>{formatTime(promoter.applied_at)}</Descriptions.Item>
            <Descriptions.Item label={t('distribution.approvedAt')}>{formatTime(promoter.approved_at)}</Descriptions.Item>
          </Descriptions>
          <Row gutter={16}>
            <Col span={4}><Statistic title={t('distribution.clicks')} value={board.clicks} /></Col>
            <Col span={4}><Statistic title={t('distribution.orders')} value={board.orders} /></Col>
            {money(t('distribution.pending'), board.pending_fen, '#d46b08')}
            {money(t('distribution.settled'), board.settled_fen)}
            {money(t('distribution.withdrawn'), board.withdrawn_fen)}
            {money(t('distribution.available'), board.available_fen, '#c2410c')}
          </Row>
          <Tabs
            items={[
              { key: 'commissions', label: t('distribution.tabs.commissions'), children: <CommissionsTable promoterId={promoter.member_id} /> },
              { key: 'withdrawals', label: t('distribution.tabs.withdrawals'), children: <WithdrawalsTable promoterId={promoter.member_id} onChanged={load} /> },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
