import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Member } from '@hearth/contracts/members';
import type { MembershipPayment, MembershipView, Plan, RefundQuote, Subscription } from '@hearth/contracts/membership';
import { api, ApiError, type Page } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';

// The paid-membership actions staff take from the subscriptions page and the member 360 view: sell or
// renew at the counter (a pending payment, then "paid" once the customer paid), cancel at the period end,
// and refund with the policy's amount shown before anything happens.

export const statusColor: Record<Subscription['status'], string> = { trialing: 'cyan', active: 'green', past_due: 'orange', grace: 'gold', canceled: 'purple', expired: 'default', refunded: 'red' };

export function SubscriptionStatusTag({ status }: { status: Subscription['status'] }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`membership.statuses.${status}`)}</Tag>;
}

export function usePlans() {
  const [plans, setPlans] = useState<Plan[]>([]);
  useEffect(() => void api<{ data: Plan[] }>('/membership/plans').then((r) => setPlans(r.data), () => setPlans([])), []);
  return plans;
}

/**
 * Counter sale: finds the member (unless given), opens an offline payment for the chosen plan (a purchase,
 * a renewal of the same plan, or an upgrade with its credit) and, once staff took the money, confirms it.
 */
export function CounterSaleModal({ open, memberId, plans, onClose }: { open: boolean; memberId?: string; plans: Plan[]; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [lookup, setLookup] = useState('');
  const [member, setMember] = useState<Pick<Member, 'id' | 'member_no' | 'name'> | null>(null);
  const [planId, setPlanId] = useState<string>();
  const [autoRenew, setAutoRenew] = useState(false);
  const [payment, setPayment] = useState<MembershipPayment | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setMember(memberId ? { id: memberId, member_no: '', name: null } : null);
    setPayment(null);
    setPlanId(undefined);
    setLookup('');
  }, [open, memberId]);
  const find = async () => {
    const byPhone = /^\+?\d{11,15}$/.test(lookup.trim());
    const page = await api<Page<Member>>(`/members?limit=1&${byPhone ? 'phone' : 'member_no'}=${encodeURIComponent(lookup.trim())}`).catch(() => ({ data: [] as Member[] }));
    if (!page.data[0]) return message.warning(t('membership.actions.notFound'));
    setMember(page.data[0]);
  };
  const plan = plans.find((p) => p.id === planId);
  const create = async () => {
    setBusy(true);
    try {
      const res = await api<{ payment: MembershipPayment }>(`/members/${member!.id}/membership/purchase`, { method: 'POST', idempotent: true, body: { plan_id: planId, provider: 'offline', auto_renew: autoRenew } });
      setPayment(res.payment);
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const confirmPaid = async () => {
    setBusy(true);
    try {
      const res = await api<{ outcome: 'applied' | 'duplicate' | 'late' | 'mismatch' }>(`/membership/payments/${payment!.id}/confirm`, { method: 'POST' });
      message[res.outcome === 'applied' || res.outcome === 'duplicate' ? 'success' : 'warning'](t(`membership.actions.outcomes.${res.outcome}`));
      onClose(true);
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('membership.actions.counterSale')}
      open={open}
      onCancel={() => onClose(payment !== null)}
      destroyOnHidden
      footer={
        payment ? (
          <Button type="primary" loading={busy} onClick={confirmPaid} data-testid="membership-confirm-paid">
            {t('membership.actions.confirmPaid')}
          </Button>
        ) : (
          <Button type="primary" loading={busy} disabled={!member || !planId} onClick={create} data-testid="membership-create-payment">
            {t('membership.actions.createPayment')}
          </Button>
        )
      }
    >
      <Form layout="vertical">
        {!memberId && (
          <Form.Item label={t('membership.actions.memberNo')}>
            <Space.Compact style={{ width: '100%' }}>
              <Input value={lookup} onChange={(e) => setLookup(e.target.value)} onPressEnter={() => void find()} disabled={!!payment} data-testid="membership-member-lookup" />
              <Button onClick={() => void find()} disabled={!lookup.trim() || !!payment}>
                {t('membership.actions.find')}
              </Button>
            </Space.Compact>
            {member && <Typography.Text type="success">{`${member.member_no} ${member.name ?? ''}`}</Typography.Text>}
          </Form.Item>
        )}
        <Form.Item label={t('membership.actions.plan')}>
          <Select
            value={planId}
            onChange={setPlanId}
            disabled={!!payment}
            data-testid="membership-plan-select"
            options={plans.filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: `${p.name} · ${t('membership.plans.perPeriod', { price: formatFen(p.price_fen), period: t(`membership.periods.${p.period}`) })}` }))}
          />
        </Form.Item>
        {plan?.auto_renew_allowed && (
          <Form.Item label={t('membership.actions.autoRenew')}>
            <Switch checked={autoRenew} onChange={setAutoRenew} disabled={!!payment} />
          </Form.Item>
        )}
      </Form>
      {payment && (
        <Alert
          type="info"
          showIcon
          data-testid="membership-amount-due"
          title={`${t('membership.actions.amountDue', { amount: formatFen(payment.amount_fen) })}${payment.credit_fen ? t('membership.actions.creditNote', { credit: formatFen(payment.credit_fen) }) : ''}`}
          description={t('membership.actions.confirmPaidHint', { amount: formatFen(payment.amount_fen) })}
        />
      )}
    </Modal>
  );
}

/** Cancel at the period end, with a reason. */
export function CancelMembershipButton({ memberId, onDone }: { memberId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const ask = () => {
    let reason = '';
    modal.confirm({
      title: t('membership.actions.cancelTitle'),
      content: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('membership.actions.cancelHint')}</Typography.Text>
          <Input placeholder={t('membership.actions.cancelReason')} onChange={(e) => (reason = e.target.value)} data-testid="membership-cancel-reason" />
        </Space>
      ),
      onOk: () =>
        api(`/members/${memberId}/membership/cancel`, { method: 'POST', idempotent: true, body: { reason: reason.trim() || t('membership.actions.cancel') } }).then(
          () => {
            message.success(t('membership.actions.canceled'));
            onDone();
          },
          (e: Error) => message.error(e.message),
        ),
    });
  };
  return <Button onClick={ask}>{t('membership.actions.cancel')}</Button>;
}

/** Refund: asks the server what the policy returns now and shows it before staff confirm. */
export function RefundMembershipButton({ memberId, onDone }: { memberId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [quote, setQuote] = useState<RefundQuote | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const open = () =>
    void api<RefundQuote>(`/members/${memberId}/membership/refund-quote`).then(
      (q) => {
        setReason('');
        setQuote(q);
      },
      (e: Error) => message.error(e instanceof ApiError && e.code === 'NOTHING_TO_REFUND' ? t('membership.actions.nothingToRefund') : e.message),
    );
  const refund = async () => {
    setBusy(true);
    try {
      const res = await api<{ amount_fen: number }>(`/members/${memberId}/membership/refund`, { method: 'POST', idempotent: true, body: { reason: reason.trim() } });
      message.success(t('membership.actions.refundDone', { amount: formatFen(res.amount_fen) }));
      setQuote(null);
      onDone();
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button danger onClick={open} data-testid="membership-refund">
        {t('membership.actions.refund')}
      </Button>
      <Modal title={t('membership.actions.refundTitle')} open={!!quote} onCancel={() => setQuote(null)} onOk={refund} okText={t('membership.actions.refund')} okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }}>
        {quote && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert
              type="warning"
              showIcon
              data-testid="membership-refund-quote"
              title={t('membership.actions.quote', { amount: formatFen(quote.amount_fen) })}
              description={
                <>
                  <div>{t(`membership.actions.policies.${quote.policy}`, { days: quote.full_refund_days })}</div>
                  <div>{t('membership.actions.quoteDetail', { total: quote.period_days, used: quote.used_days, unused: quote.unused_days, value: formatFen(quote.period_value_fen) })}</div>
                  <div>{t('membership.actions.refundWarn')}</div>
                </>
              }
            />
            <Input placeholder={t('membership.actions.refundReason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="membership-refund-reason" />
          </Space>
        )}
      </Modal>
    </>
  );
}

/** Every transition of one subscription (or all of the member's), with its payments and refunds. */
export function SubscriptionHistory({ view, subscriptionId, plans }: { view: MembershipView; subscriptionId?: string; plans: Plan[] }) {
  const { t } = useTranslation();
  const planName = (id: string) => plans.find((p) => p.id === id)?.name ?? id.slice(0, 8);
  const mine = <T extends { subscription_id: string | null }>(rows: T[]) => (subscriptionId ? rows.filter((r) => r.subscription_id === subscriptionId) : rows);
  const refundsOf = new Set(mine(view.payments).map((p) => p.id));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <div>
        <Typography.Title level={5}>{t('membership.subs.transitions')}</Typography.Title>
        <Timeline
          data-testid="membership-transitions"
          items={mine(view.history).map((h) => ({
            color: statusColor[h.to] === 'default' ? 'gray' : statusColor[h.to],
            children: (
              <Space wrap size={4}>
                <Typography.Text type="secondary">{formatTime(h.at)}</Typography.Text>
                {h.from ? <SubscriptionStatusTag status={h.from} /> : <Tag>—</Tag>}→<SubscriptionStatusTag status={h.to} />
                <Typography.Text>{t(`membership.reasons.${h.reason}`, { defaultValue: h.reason })}</Typography.Text>
                <Typography.Text type="secondary">{h.actor}</Typography.Text>
              </Space>
            ),
          }))}
        />
      </div>
      <div>
        <Typography.Title level={5}>{t('membership.subs.payments')}</Typography.Title>
        <Table<MembershipPayment>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={subscriptionId ? view.payments.filter((p) => p.subscription_id === subscriptionId) : view.payments}
          columns={[
            { title: t('membership.subs.kind'), dataIndex: 'kind', render: (k: string) => t(`membership.subs.kinds.${k}`) },
            { title: t('membership.subs.plan'), dataIndex: 'plan_id', render: planName },
            { title: t('membership.subs.amount'), dataIndex: 'amount_fen', align: 'right', render: (v: number, p) => `${formatFen(v)}${p.credit_fen ? ` (−${formatFen(p.credit_fen)})` : ''}` },
            { title: t('membership.subs.provider'), dataIndex: 'provider', render: (v: string) => t(`membership.providers.${v}`) },
            { title: t('common.status'), dataIndex: 'status', render: (v: string) => t(`membership.subs.paymentStatuses.${v}`) },
            { title: t('membership.subs.paidAt'), dataIndex: 'paid_at', render: formatTime },
          ]}
        />
      </div>
      {view.refunds.some((r) => refundsOf.has(r.payment_id)) && (
        <div>
          <Typography.Title level={5}>{t('membership.subs.refunds')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={view.refunds.filter((r) => refundsOf.has(r.payment_id))}
            columns={[
              { title: t('membership.subs.amount'), dataIndex: 'amount_fen', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('membership.subs.kind'), dataIndex: 'policy', render: (v: string) => t(`membership.actions.policyNames.${v}`) },
              { title: t('common.status'), dataIndex: 'status', render: (v: string) => t(`membership.subs.refundStatuses.${v}`) },
              { title: t('membership.subs.reason'), dataIndex: 'reason' },
              { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
            ]}
          />
        </div>
      )}
    </Space>
  );
}
