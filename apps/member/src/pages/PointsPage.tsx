import { Button, Dialog, List, NavBar, Tag, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { PointsBalance } from '@hearth/contracts/points';
import { api, ApiError, fen } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { formatInZone } from '../dates.ts';

interface Reward {
  id: string;
  name: string;
  description: string | null;
  points_price: number;
  in_stock: boolean;
  affordable: boolean;
}
interface LedgerEntry {
  id: string;
  kind: string;
  points: number;
  reason: string | null;
  created_at: string;
}

/** Balance, pending and expiring points (with their ¥ value), rewards to redeem, and the history. */
export function PointsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const balance = useLoad<PointsBalance>('/me/points');
  const rewards = useLoad<Reward[]>('/me/rewards');
  const ledger = useLoad<{ data: LedgerEntry[] }>('/me/points/ledger?limit=50');
  const b = balance.data;
  const date = (iso: string) => formatInZone(iso, { year: 'numeric', month: 'long', day: 'numeric' });

  async function redeem(reward: Reward) {
    const ok = await Dialog.confirm({ content: t('points.redeemConfirm', { points: reward.points_price, name: reward.name }), confirmText: t('common.confirm'), cancelText: t('common.cancel') });
    if (!ok) return;
    try {
      const done = await api<{ balance: number }>(`/me/rewards/${reward.id}/redeem`, { method: 'POST', body: { quantity: 1 } });
      Toast.show({ icon: 'success', content: t('points.redeemed', { balance: done.balance }) });
      await Promise.all([balance.reload(), rewards.reload(), ledger.reload()]);
    } catch (err) {
      const missing = reward.points_price - Math.max(0, b?.available ?? 0);
      const content = err instanceof ApiError && err.code === 'POINTS_INSUFFICIENT' ? t('points.notEnough', { missing }) : err instanceof ApiError ? t(`errors.${err.code}`, { defaultValue: err.message }) : (err as Error).message;
      Dialog.alert({ content, confirmText: t('common.confirm') });
    }
  }

  return (
    <main>
      <NavBar onBack={() => navigate('/')} backIcon backArrow>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('points.title')}</h1>
      </NavBar>
      <div className="page-body">
        {balance.error}
        <section className="card" aria-label={t('points.available')}>
          <div className="muted">{t('points.available')}</div>
          <div style={{ fontSize: 34, fontWeight: 700 }} data-testid="points-available">
            {b ? Math.max(0, b.available) : '—'}
          </div>
          <div className="muted">{t('points.worth', { value: fen(b?.value_fen ?? 0) })}</div>
        </section>
        <div className="stat-row">
          <div className="stat">
            <div className="value" data-testid="points-pending">{b?.pending ?? '—'}</div>
            <div className="label">{t('points.pending')}</div>
          </div>
          <div className="stat">
            <div className="value">{b?.held ?? '—'}</div>
            <div className="label">{t('points.held')}</div>
          </div>
          <div className="stat">
            <div className="value">{b?.expiring.points ?? '—'}</div>
            <div className="label">{t('points.expiring')}</div>
          </div>
        </div>
        {b && b.expiring.points > 0 && b.expiring.first_date && (
          <section className="card" style={{ background: '#fff7e6' }} data-testid="points-expiring">
            {t('points.expiringLine', { points: b.expiring.points, value: fen(b.expiring.value_fen), date: date(b.expiring.first_date) })}{' '}
            <a href="#rewards">{t('points.spendNow')}</a>
          </section>
        )}

        <section className="card" id="rewards" aria-labelledby="rewards-title">
          <h2 id="rewards-title">{t('points.rewards')}</h2>
          {rewards.data?.length === 0 && <div className="muted">{t('common.empty')}</div>}
          <List style={{ '--border-top': 'none', '--border-bottom': 'none' } as React.CSSProperties}>
            {rewards.data?.map((r) => (
              <List.Item
                key={r.id}
                description={r.description}
                extra={
                  <Button size="small" color="primary" disabled={!r.in_stock} onClick={() => void redeem(r)} data-testid="reward-redeem" aria-label={`${t('points.redeem')} ${r.name}`}>
                    {r.in_stock ? t('points.redeem') : t('points.outOfStock')}
                  </Button>
                }
              >
                <span data-testid="reward-name">{r.name}</span>{' '}
                <Tag color={r.affordable ? 'primary' : 'default'} fill="outline">
                  {r.points_price} {t('nav.points')}
                </Tag>
              </List.Item>
            ))}
          </List>
        </section>

        <section className="card" aria-labelledby="ledger-title">
          <h2 id="ledger-title">{t('points.ledger')}</h2>
          {ledger.data?.data.length === 0 && <div className="muted">{t('common.empty')}</div>}
          <List style={{ '--border-top': 'none', '--border-bottom': 'none' } as React.CSSProperties} data-testid="points-ledger">
            {ledger.data?.data.map((e) => (
              <List.Item key={e.id} description={formatInZone(e.created_at, { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' })} extra={<span style={{ color: e.points >= 0 ? '#237804' : '#a8071a', fontWeight: 600 }}>{e.points > 0 ? `+${e.points}` : e.points}</span>}>
                {t(`points.kinds.${e.kind}`, { defaultValue: e.kind })}
                {e.reason ? ` · ${e.reason}` : ''}
              </List.Item>
            ))}
          </List>
        </section>
      </div>
    </main>
  );
}
