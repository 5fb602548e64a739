import { NavBar, ProgressBar, Tag } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { myTierSchema } from '@hearth/contracts/member-portal';
import type { MemberTier } from '@hearth/contracts/tiers';
import { tierBackground } from '../color.ts';
import { useLoad } from '../use-load.ts';
import { formatInZone } from '../dates.ts';

type Gap = NonNullable<MemberTier['next']>;

/** The tier now, its validity, progress toward the next tier and toward keeping this one, and every tier's benefits. */
export function TierPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const tier = useLoad<z.infer<typeof myTierSchema>>('/me/tier');
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const date = (iso: string) => formatInZone(iso, { year: 'numeric', month: 'long', day: 'numeric' });

  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('tier.title')}</h1>
      </NavBar>
      <div className="page-body">
        {tier.error}
        {tier.data?.ladders.length === 0 && <div className="card muted">{t('common.empty')}</div>}
        {tier.data?.ladders.map(({ current, tiers }) => (
          <div key={current.program.id} style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <section className="member-card" style={{ background: tierBackground(current.tier.color) }} data-testid="tier-current">
              <div className="muted" style={{ color: '#fff', opacity: 0.9 }}>{t('tier.current')} · {current.program.name}</div>
              <div className="name" style={{ fontSize: 26, margin: '6px 0' }}>{current.tier.name}</div>
              <div style={{ fontSize: 13 }}>{current.valid_until ? t('tier.validUntil', { date: date(current.valid_until) }) : t('tier.permanent')}</div>
            </section>
            {current.next ? <Progress gap={current.next} title={t('tier.next', { tier: current.next.tier.name })} lang={lang} /> : <div className="card">{t('tier.top')}</div>}
            {current.keep && <Progress gap={current.keep} title={t('tier.keep', { tier: current.keep.tier.name })} lang={lang} />}
            <section className="card" aria-labelledby={`benefits-${current.program.id}`}>
              <h2 id={`benefits-${current.program.id}`}>{t('tier.benefits')}</h2>
              <div style={{ display: 'grid', gridTemplateColumns: `repeat(${Math.min(tiers.length, 4)}, 1fr)`, gap: 8 }}>
                {tiers.map((x) => (
                  <div key={x.id} style={{ border: `2px solid ${x.id === current.tier.id ? x.color : '#eee'}`, borderRadius: 8, padding: 8, fontSize: 12 }}>
                    <div style={{ fontWeight: 600, color: '#1f1f1f', marginBottom: 4 }}>
                      <span aria-hidden style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: x.color, marginRight: 4 }} />
                      {x.name}
                    </div>
                    {x.earning_multiplier !== 1 && <div>{t('tier.multiplier', { x: x.earning_multiplier })}</div>}
                    {x.benefits.length === 0 && x.earning_multiplier === 1 && <div className="muted">{t('tier.noBenefits')}</div>}
                    {x.benefits.map((b) => (
                      <div key={b.id}>{lang === 'en' ? (b.name_en ?? b.name) : b.name}</div>
                    ))}
                  </div>
                ))}
              </div>
            </section>
          </div>
        ))}
      </div>
    </main>
  );
}

function Progress({ gap, title, lang }: { gap: Gap; title: string; lang: 'zh-CN' | 'en' }) {
  const { t } = useTranslation();
  // The closest alternative drives the bar; the message names every alternative.
  const best = gap.options
    .map((needs) => needs.reduce((min, n) => Math.min(min, n.target > 0 ? Math.min(1, (n.current ?? 0) / n.target) : 1), 1))
    .reduce((a, b) => Math.max(a, b), 0);
  const percent = gap.met ? 100 : Math.round(best * 100);
  return (
    <section className="card" aria-label={title}>
      <div style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 8 }}>
        <strong>{title}</strong>
        {gap.met && <Tag color="success">{t('tier.reached')}</Tag>}
      </div>
      <div role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label={title}>
        <ProgressBar percent={percent} text />
      </div>
      <p className="muted" style={{ marginBottom: 0 }} data-testid="tier-message">{gap.message[lang]}</p>
    </section>
  );
}
