import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, Descriptions, Drawer, Empty, Select, Space, Table } from 'antd';
import { ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { subscriptionStatuses, type MembershipView, type Subscription } from '@hearth/contracts/membership';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { CancelMembershipButton, CounterSaleModal, RefundMembershipButton, SubscriptionHistory, SubscriptionStatusTag, usePlans } from './MembershipActions.tsx';

const liveStatuses: Subscription['status'][] = ['trialing', 'active', 'past_due', 'grace', 'canceled'];

/** Subscriptions by status and plan; a drawer shows one subscription with every transition and its payments. */
export function MembershipSubscriptionsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const plans = usePlans();
  const [status, setStatus] = useState<string>();
  const [planId, setPlanId] = useState<string>();
  const [selected, setSelected] = useState<Subscription | null>(null);
  const [selling, setSelling] = useState(false);
  const { rows, loading, hasMore, loadMore, reload } = useCursorList<Subscription>('/membership/subscriptions', { status, plan_id: planId });
  const planName = (id: string) => plans.find((p) => p.id === id)?.name ?? id.slice(0, 8);

  return (
    <Card
      title={t('membership.subs.title')}
      data-testid="membership-subscriptions"
      extra={
        <Space wrap>
          <Select allowClear placeholder={t('membership.subs.allStatuses')} style={{ width: 180 }} value={status} onChange={setStatus} data-testid="membership-status-filter" options={subscriptionStatuses.map((s) => ({ value: s, label: t(`membership.statuses.${s}`) }))} />
          <Select allowClear placeholder={t('membership.subs.allPlans')} style={{ width: 160 }} value={planId} onChange={setPlanId} options={plans.map((p) => ({ value: p.id, label: p.name }))} />
          {can('membership:write') && (
            <Button type="primary" icon={<ShopOutlined />} onClick={() => setSelling(true)} data-testid="membership-counter-sale">
              {t('membership.actions.counterSale')}
            </Button>
          )}
        </Space>
      }
    >
      <Table<Subscription>
        rowKey="id"
        loading={loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(s) => ({ onClick: () => setSelected(s), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('membership.subs.empty')} /> }}
        columns={[
          { title: t('membership.subs.plan'), dataIndex: 'plan_id', render: planName },
          { title: t('membership.subs.status'), dataIndex: 'status', render: (s: Subscription['status']) => <SubscriptionStatusTag status={s} /> },
          { title: t('membership.subs.periodEnd'), dataIndex: 'current_period_end', render: formatTime },
          { title: t('membership.subs.graceEnd'), dataIndex: 'grace_ends_at', render: formatTime },
          { title: t('membership.subs.autoRenew'), dataIndex: 'auto_renew', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
          { title: t('membership.subs.provider'), dataIndex: 'provider', render: (v: string) => t(`membership.providers.${v}`) },
          { title: t('membership.subs.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('membership.subs.member'),
            dataIndex: 'member_id',
            render: (id: string) => (
              <Button
                type="link"
                size="small"
                onClick={(e) => {
                  e.stopPropagation();
                  navigate(`/members/${id}`);
                }}
              >
                {t('membership.subs.open')}
              </Button>
            ),
          },
        ]}
      />
      {hasMore && (
        <Button block style={{ marginTop: 12 }} onClick={() => void loadMore()}>
          {t('common.loadMore')}
        </Button>
      )}
      <SubscriptionDrawer subscription={selected} onClose={() => setSelected(null)} onChanged={reload} planName={planName} />
      <CounterSaleModal
        open={selling}
        plans={plans}
        onClose={(changed) => {
          setSelling(false);
          if (changed) void reload();
        }}
      />
    </Card>
  );
}

function SubscriptionDrawer({ subscription, onClose, onChanged, planName }: { subscription: Subscription | null; onClose: () => void; onChanged: () => void; planName: (id: string) => string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const plans = usePlans();
  const [view, setView] = useState<MembershipView | null>(null);
  const memberId = subscription?.member_id;
  const load = useCallback(() => {
    if (!memberId) return setView(null);
    void api<MembershipView>(`/members/${memberId}/membership`).then(setView, (e: Error) => message.error(e.message));
  }, [memberId, message]);
  useEffect(load, [load]);
  const current = view?.subscriptions.find((s) => s.id === subscription?.id) ?? subscription;
  const changed = () => {
    load();
    onChanged();
  };
  return (
    <Drawer title={t('membership.subs.detail')} open={!!subscription} onClose={onClose} size="large" data-testid="membership-subscription-drawer">
      {current && (
        <Space orientation="vertical" style={{ width: '100%' }} size={16}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('membership.subs.plan')}>{planName(current.plan_id)}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.status')}>
              <SubscriptionStatusTag status={current.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.periodEnd')}>{formatTime(current.current_period_end)}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.graceEnd')}>{formatTime(current.grace_ends_at)}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.periodsPaid')}>{current.periods_paid}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.periodValue')}>{formatFen(current.period_value_fen)}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.autoRenew')}>{current.auto_renew ? t('common.yes') : t('common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('membership.subs.provider')}>{t(`membership.providers.${current.provider}`)}</Descriptions.Item>
          </Descriptions>
          {liveStatuses.includes(current.status) && (
            <Space>
              {can('membership:write') && current.status !== 'canceled' && current.status !== 'grace' && <CancelMembershipButton memberId={current.member_id} onDone={changed} />}
              {can('membership:manage') && current.status !== 'trialing' && <RefundMembershipButton memberId={current.member_id} onDone={changed} />}
            </Space>
          )}
          {view && <SubscriptionHistory view={view} subscriptionId={current.id} plans={plans} />}
        </Space>
      )}
    </Drawer>
  );
}
