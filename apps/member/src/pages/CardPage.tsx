import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import type { MyCard } from '@hearth/contracts/member-portal';
import { api, fen } from '../api.ts';
import { tierBackground } from '../color.ts';
import { useLoad } from '../use-load.ts';
import { CheckinCard } from './CheckinCard.tsx';
import { NextMemberDay } from './NextMemberDay.tsx';

// Below the fold: loaded after the card, so the code at the counter is not kept waiting.
const Recommendations = lazy(() => import('./Recommendations.tsx').then((m) => ({ default: m.Recommendations })));

interface CodeWindow {
  step_seconds: number;
  codes: { code: string; shows_from: string; shows_until: string }[];
}

const CODES_KEY = 'hearth.member-codes';

/** The member card shown at the counter: name, tier colour, number, points, and the dynamic QR code. */
export function CardPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const card = useLoad<MyCard>('/me/card');
  const { code, secondsLeft, offline } = useMemberCode();
  const [qr, setQr] = useState<string>();

  useEffect(() => {
    if (!code) return;
    void QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then((svg) => setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`));
  }, [code]);

  const c = card.data;
  const color = c?.tier?.color ?? '#c2410c';
  return (
    <main className="page-body" aria-labelledby="card-title">
      <h1 id="card-title" style={{ position: 'absolute', left: -9999 }}>{t('card.title')}</h1>
      {card.error}
      <section className="member-card" data-testid="member-card" style={{ background: tierBackground(color) }}>
        <div className="row">
          <span className="name" data-testid="card-name">{c?.display_name ?? t('card.title')}</span>
          {c?.tier && (
            <span className="tier" data-testid="card-tier">
              {c.tier.name}
            </span>
          )}
        </div>
        <div className="no">
          {t('card.memberNo')} {c?.member_no ?? '—'}
          {c?.paid_member && <span style={{ marginLeft: 8 }}>· {t('card.paid')}</span>}
        </div>
        <div className="row" style={{ marginTop: 16 }}>
          <div>
            <div style={{ fontSize: 26, fontWeight: 700 }} data-testid="card-points">
              {c?.points.available ?? '—'}
            </div>
            <div style={{ fontSize: 12, opacity: 0.9 }}>
              {t('card.points')} · {t('card.worth', { value: fen(c?.points.value_fen ?? 0) })}
            </div>
          </div>
          <div style={{ textAlign: 'right' }}>
            <div style={{ fontSize: 26, fontWeight: 700 }}>{c?.coupons_available ?? '—'}</div>
            <div style={{ fontSize: 12, opacity: 0.9 }}>{t('card.coupons')}</div>
          </div>
        </div>
      </section>

      <section className="qr-box" aria-label={t('card.qrLabel')}>
        {offline && (
          <div role="status" className="warning" style={{ marginBottom: 8 }}>
            {t('common.offline')}
          </div>
        )}
        {qr ? <img src={qr} alt={t('card.qrLabel')} data-testid="member-qr" data-code={code} /> : <div style={{ height: 220 }} />}
        <div className="muted">{t('card.showAtCounter')}</div>
        <div className="muted" aria-live="polite">
          {t('card.refreshIn', { seconds: secondsLeft })}
        </div>
      </section>

      <CheckinCard />
      <NextMemberDay />

      <Suspense fallback={null}>
        <Recommendations />
      </Suspense>

      <nav className="card links" aria-label={t('card.title')}>
        {(['points', 'draw', 'quizzes', 'tier', 'coupons', 'events', 'plan', 'experience', 'contests', 'content', 'invite', 'promoter', 'scan', 'service', 'inbox', 'profile'] as const).map((key) => (
          <button key={key} type="button" onClick={() => navigate(key === 'profile' ? '/me' : `/${key}`)} data-testid={`link-${key}`}>
            <span>{t(`card.links.${key}`)}</span>
            <span aria-hidden>›</span>
          </button>
        ))}
      </nav>
    </main>
  );
}

/**
 * The code for this minute, from a window of codes the server hands out for the next minutes: fetched every
 * minute while online, and kept on the phone so the card still shows a valid code offline.
 */
function useMemberCode() {
  const [window_, setWindow] = useState<CodeWindow | null>(() => {
    const saved = localStorage.getItem(CODES_KEY);
    return saved ? (JSON.parse(saved) as CodeWindow) : null;
  });
  const [now, setNow] = useState(Date.now());
  const [offline, setOffline] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const fresh = await api<CodeWindow>('/me/member-code');
      localStorage.setItem(CODES_KEY, JSON.stringify(fresh));
      setWindow(fresh);
      setOffline(false);
    } catch {
      setOffline(true);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [refresh]);

  const current = window_?.codes.find((c) => Date.parse(c.shows_from) <= now && now < Date.parse(c.shows_until));
  const secondsLeft = current ? Math.max(0, Math.ceil((Date.parse(current.shows_until) - now) / 1000)) : 0;
  // A new minute: fetch the next window (the old one keeps the card valid meanwhile).
  useEffect(() => {
    if (current) {
      const timer = setTimeout(() => void refresh(), Date.parse(current.shows_until) - Date.now() + 200);
      return () => clearTimeout(timer);
    }
  }, [current?.code, refresh]); // eslint-disable-line react-hooks/exhaustive-deps
  return { code: current?.code, secondsLeft, offline };
}
