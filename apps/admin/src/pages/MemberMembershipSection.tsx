import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Empty, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MembershipView } from '@hearth/contracts/membership';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { CancelMembershipButton, CounterSaleModal, RefundMembershipButton, SubscriptionHistory, SubscriptionStatusTag, usePlans } from './MembershipActions.tsx';

/** The member 360's paid membership: whether paid now and until when, the subscription, every transition and payment. */
export function MemberMembershipSection(props: { memberId: string; active: boolean }) {
  const { can } = useSession();
  return can('membership:read') ? <MembershipCard {...props} /> : null;
}

function MembershipCard({ memberId, active }: { memberId: string; active: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const plans = usePlans();
  const [view, setView] = useState<MembershipView | null>(null);
  const [selling, setSelling] = useState(false);
  const load = useCallback(() => void api<MembershipView>(`/members/${memberId}/membership`).then(setView, (e: Error) => message.error(e.message)), [memberId, message]);
  useEffect(load, [load]);
  const current = view?.current;
  const planName = (id: string) => plans.find((p) => p.id === id)?.name ?? id.slice(0, 8);
  const trialPlans = plans.filter((p) => p.status === 'active' && p.trial_days > 0 && !view?.subscriptions.some((s) => s.plan_id === p.id));
  const startTrial = (planId: string) =>
    void api(`/members/${memberId}/membership/trial`, { method: 'POST', idempotent: true, body: { plan_id: planId } }).then(
      () => {
        message.success(t('membership.actions.trialDone'));
        load();
      },
      (e: Error) => message.error(e.message),
    );

  return (
    <Card
      title={t('membership.member.title')}
      size="small"
      loading={!view}
      data-testid="member-membership"
      extra={
        active &&
        can('membership:write') && (
          <Space wrap>
            {!current && trialPlans.slice(0, 1).map((p) => (
              <Button key={p.id} size="small" onClick={() => startTrial(p.id)}>
                {`${t('membership.actions.trial')} · ${p.name}`}
              </Button>
            ))}
            <Button size="small" type="primary" onClick={() => setSelling(true)} data-testid="member-membership-sell">
              {t('membership.actions.counterSale')}
            </Button>
          </Space>
        )
      }
    >
      {view && (
        <Space orientation="vertical" style={{ width: '100%' }} size={12}>
          <Space wrap>
            <Tag color={view.is_paid_member ? 'volcano' : 'default'} style={{ fontSize: 14, padding: '2px 10px' }} data-testid="member-membership-paid">
              {view.is_paid_member ? t('membership.member.paid') : t('membership.member.notPaid')}
            </Tag>
            {view.benefits_until && <span>{`${t('membership.member.benefitsUntil')} ${formatTime(view.benefits_until)}`}</span>}
          </Space>
          {current ? (
            <>
              <Descriptions size="small" column={{ xs: 1, md: 4 }}>
                <Descriptions.Item label={t('membership.subs.plan')}>{planName(current.plan_id)}</Descriptions.Item>
                <Descriptions.Item label={t('membership.subs.status')}>
                  <SubscriptionStatusTag status={current.status} />
                </Descriptions.Item>
                <Descriptions.Item label={t('membership.subs.periodEnd')}>{formatTime(current.current_period_end)}</Descriptions.Item>
                <Descriptions.Item label={t('membership.subs.periodValue')}>{formatFen(current.period_value_fen)}</Descriptions.Item>
                {current.grace_ends_at && <Descriptions.Item label={t('membership.subs.graceEnd')}>{formatTime(current.grace_ends_at)}</Descriptions.Item>}
                <Descriptions.Item label={t('membership.subs.autoRenew')}>{current.auto_renew ? t('common.yes') : t('common.no')}</Descriptions.Item>
              </Descriptions>
              {active && (
                <Space>
                  {can('membership:write') && current.status !== 'canceled' && current.status !== 'grace' && <CancelMembershipButton memberId={memberId} onDone={load} />}
                  {can('membership:manage') && current.status !== 'trialing' && <RefundMembershipButton memberId={memberId} onDone={load} />}
                </Space>
              )}
            </>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('membership.member.none')} />
          )}
          {view.history.length > 0 && <SubscriptionHistory view={view} plans={plans} />}
        </Space>
      )}
      <CounterSaleModal
        open={selling}
        memberId={memberId}
        plans={plans}
        onClose={(changed) => {
          setSelling(false);
          if (changed) load();
        }}
      />
    </Card>
  );
}
