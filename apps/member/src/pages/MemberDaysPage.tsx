import { useTranslation } from 'react-i18next';
import type { MyMemberDay } from '@hearth/contracts/member-days';
import { fen } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { dayLabel, times } from './NextMemberDay.tsx';

/** 会员日: the next day of each programme and what applies to this member on it. */
export function MemberDaysPage() {
  const { t, i18n } = useTranslation();
  const days = useLoad<{ data: MyMemberDay[] }>('/me/member-days');
  return (
    <main className="page-body" aria-labelledby="member-days-title">
      <h1 id="member-days-title">{t('memberDays.title')}</h1>
      {days.error}
      {days.data && !days.data.data.length && <div className="card muted">{t('memberDays.none')}</div>}
      {days.data?.data.map((d) => (
        <section key={d.id} className="card" data-testid="member-day" style={{ marginBottom: 12 }}>
          <h2>{d.name}</h2>
          <div style={{ fontWeight: 600 }}>{d.today ? t('memberDays.today') : dayLabel(d.day, i18n.language)}</div>
          {d.description && <p className="muted">{d.description}</p>}
          {!d.eligible && <div className="warning">{t('memberDays.notEligible')}</div>}
          {d.points_multiplier_bp > 10000 && <p data-testid="member-day-points">{t('memberDays.points', { x: times(d.points_multiplier_bp) })}</p>}
          {d.coupons.length > 0 && (
            <>
              <h3 style={{ fontSize: 14, margin: '8px 0 4px' }}>{t('memberDays.coupons')}</h3>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {d.coupons.map((c) => <li key={c.template_id}>{t('memberDays.couponLine', { name: c.name, n: c.quantity })}</li>)}
              </ul>
              <div className="muted" style={{ fontSize: 12 }}>{t('memberDays.autoIssued')}</div>
            </>
          )}
          {(d.products.length > 0 || d.member_prices.length > 0) && (
            <>
              <h3 style={{ fontSize: 14, margin: '8px 0 4px' }}>{t('memberDays.products')}</h3>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {d.products.map((p) => <li key={p.sku}>{p.name} · {t('memberDays.listPrice', { price: fen(p.list_price_fen) })}</li>)}
                {d.member_prices.map((p) => <li key={`${p.sku}-${p.price_fen}`}>{p.sku} · {t('memberDays.memberPrice', { price: fen(p.price_fen) })}</li>)}
              </ul>
            </>
          )}
        </section>
      ))}
    </main>
  );
}
