import { useCallback, useEffect, useState } from 'react';
import { Button, Input, NavBar, Tabs, Tag, Toast } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { commissionSchema, myDashboardSchema, Promoter, withdrawalSchema } from '@hearth/contracts/distribution';
import { api, ApiError, fen } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad, usePagedLoad } from '../use-load.ts';

type Dashboard = z.infer<typeof myDashboardSchema>;
type Commission = z.infer<typeof commissionSchema>;
type Withdrawal = z.infer<typeof withdrawalSchema>;

/** "12.5" yuan → 1250 fen, in integers all the way (no float rounding); undefined when it is not an amount. */
export function yuanToFen(text: string): number | undefined {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined;
}

/** 分销员中心: apply, then (approved) my link, my figures, my commission and withdrawals. */
export function PromoterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // Not a promoter is a 404 here, which is an answer (show the application), not an error.
  const [promoter, setPromoter] = useState<Promoter | null>();
  const [failure, setFailure] = useState<string>();
  const load = useCallback(async () => {
    try {
      setPromoter(await api<Promoter>('/me/promoter'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setPromoter(null);
      else setFailure(problemText(t, err, 'promoter'));
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('promoter.title')}</h1>
      </NavBar>
      <div className="page-body">
        {failure && <div role="alert" className="card warning">{t('common.error', { message: failure })}</div>}
        {promoter === null && <ApplyCard onApplied={setPromoter} />}
        {promoter && promoter.status !== 'approved' && (
          <section className="card" data-testid="promoter-status">
            <Tag color={promoter.status === 'applied' ? 'primary' : 'default'}>{t(`promoter.status.${promoter.status}`)}</Tag>
            <p className="muted">{t(`promoter.statusHint.${promoter.status}`)}</p>
          </section>
        )}
        {promoter?.status === 'approved' && <PromoterCenter promoter={promoter} />}
      </div>
    </main>
  );
}

function ApplyCard({ onApplied }: { onApplied: (p: Promoter) => void }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [recruiter, setRecruiter] = useState(params.get('recruiter') ?? '');
  const [busy, setBusy] = useState(false);
  async function apply() {
    setBusy(true);
    try {
      const applied = await api<Promoter>('/me/promoter', { method: 'POST', body: recruiter.trim() ? { recruiter_code: recruiter.trim() } : {} });
      Toast.show({ icon: 'success', content: t('promoter.applied') });
      onApplied(applied);
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'promoter') });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card">
      <p style={{ marginTop: 0 }}>{t('promoter.intro')}</p>
      <Input value={recruiter} onChange={setRecruiter} placeholder={t('promoter.recruiterCode')} aria-label={t('promoter.recruiterCode')} maxLength={40} />
      <Button block color="primary" loading={busy} onClick={apply} style={{ marginTop: 8 }} data-testid="promoter-apply">{t('promoter.apply')}</Button>
    </section>
  );
}

function PromoterCenter({ promoter }: { promoter: Promoter }) {
  const { t } = useTranslation();
  const date = useDateTime();
  const [tab, setTab] = useState('commissions');
  const dash = useLoad<Dashboard>('/me/promoter/dashboard');
  const commissions = usePagedLoad<Commission>('/me/promoter/commissions', 50);
  const withdrawals = useLoad<Withdrawal[]>('/me/promoter/withdrawals');
  const link = `${window.location.origin}${promoter.link}`;
  const d = dash.data;
  const stats: [string, string][] = d ? [['clicks', String(d.clicks)], ['orders', String(d.orders)], ['pending', fen(d.pending_fen)], ['settled', fen(d.settled_fen)], ['withdrawn', fen(d.withdrawn_fen)], ['available', fen(d.available_fen)]] : [];
  return (
    <>
      <section className="card" data-testid="promoter-link">
        <h2>{t('promoter.myCode')}</h2>
        <div className="code-text" data-testid="promoter-code">{promoter.code}</div>
        <div className="muted" style={{ wordBreak: 'break-all', margin: '8px 0' }}>{link}</div>
        <Button block onClick={() => void navigator.clipboard?.writeText(link).then(() => Toast.show({ content: t('promoter.copied') }), () => undefined)}>{t('promoter.copy')}</Button>
      </section>
      {dash.error}
      <section className="card" data-testid="promoter-dashboard" style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 12 }}>
        {stats.map(([key, value]) => (
          <div key={key}>
            <div style={{ fontSize: 18, fontWeight: 600 }} data-testid={`promoter-${key}`}>{value}</div>
            <div className="muted">{t(`promoter.${key}`)}</div>
          </div>
        ))}
      </section>
      {d && <WithdrawCard dashboard={d} onDone={() => void Promise.all([dash.reload(), withdrawals.reload()])} />}
      <Tabs activeKey={tab} onChange={setTab} style={{ background: '#fff', borderRadius: 12 }}>
        <Tabs.Tab key="commissions" title={t('promoter.commissions')}>
          {commissions.error}
          {commissions.items?.length === 0 && <div className="muted">{t('promoter.noCommissions')}</div>}
          {commissions.items?.map((c) => (
            <div key={c.id} data-testid="promoter-commission" style={{ display: 'flex', justifyContent: 'space-between', padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
              <div>
                <div>{t(`promoter.kind.${c.kind}`)} · {t(`promoter.level.${c.level === 2 ? 2 : 1}`)}</div>
                <div className="muted">{c.status === 'pending' ? t('promoter.settlesAt', { date: date(c.settles_at) }) : date(c.created_at)}</div>
              </div>
              <div style={{ textAlign: 'right' }}>
                <div style={{ fontWeight: 600, color: c.amount_fen < 0 ? '#a8071a' : undefined }}>{c.amount_fen < 0 ? `-${fen(-c.amount_fen)}` : fen(c.amount_fen)}</div>
                <div className="muted">{t(`promoter.entryStatus.${c.status}`)}</div>
              </div>
            </div>
          ))}
          {commissions.hasMore && <Button block fill="none" onClick={() => void commissions.loadMore()} data-testid="promoter-commissions-more">{t('promoter.more')}</Button>}
        </Tabs.Tab>
        <Tabs.Tab key="withdrawals" title={t('promoter.withdrawals')}>
          {withdrawals.error}
          {withdrawals.data?.length === 0 && <div className="muted">{t('promoter.noWithdrawals')}</div>}
          {withdrawals.data?.map((w) => (
            <div key={w.id} data-testid="promoter-withdrawal" style={{ display: 'flex', justifyContent: 'space-between', padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
              <div>
                <div style={{ fontWeight: 600 }}>{fen(w.amount_fen)}</div>
                <div className="muted">{t('promoter.requestedAt', { date: date(w.requested_at) })}</div>
              </div>
              <Tag color={w.status === 'paid' ? 'success' : w.status === 'rejected' ? 'default' : 'primary'}>{t(`promoter.withdrawalStatus.${w.status}`)}</Tag>
            </div>
          ))}
        </Tabs.Tab>
      </Tabs>
    </>
  );
}

function WithdrawCard({ dashboard, onDone }: { dashboard: Dashboard; onDone: () => void }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const values = { min: fen(dashboard.min_withdrawal_fen), available: fen(dashboard.available_fen) };
  async function withdraw() {
    const amount_fen = yuanToFen(amount);
    if (amount_fen === undefined || amount_fen === 0) {
      Toast.show({ content: t('promoter.badAmount') });
      return;
    }
    setBusy(true);
    try {
      await api('/me/promoter/withdrawals', { method: 'POST', body: { amount_fen } });
      Toast.show({ icon: 'success', content: t('promoter.withdrawalSent') });
      setAmount('');
      onDone();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'promoter', values) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="promoter-withdraw">
      <h2 id="promoter-withdraw">{t('promoter.withdraw')}</h2>
      <div className="muted" data-testid="promoter-minimum" style={{ marginBottom: 8 }}>{t('promoter.minimum', values)}</div>
      <Input value={amount} onChange={setAmount} inputMode="decimal" placeholder={t('promoter.amount')} aria-label={t('promoter.amount')} data-testid="promoter-amount" />
      <Button block color="primary" loading={busy} disabled={!amount.trim()} onClick={withdraw} style={{ marginTop: 8 }} data-testid="promoter-withdraw">{t('promoter.submitWithdrawal')}</Button>
    </section>
  );
}
