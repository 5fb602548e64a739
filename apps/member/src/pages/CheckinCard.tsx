import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyCheckin } from '@hearth/contracts/games';
import { api, ApiError } from '../api.ts';
import { useLoad } from '../use-load.ts';

interface CheckinResult {
  streak: number;
  created: boolean;
  rewards: { kind: 'points' | 'coupon'; points: number | null; status: string }[];
}

/** 每日签到 on the card page: today's button, the streak, and what the next streak reward is. Plain markup, as the card page loads first. */
export function CheckinCard() {
  const { t } = useTranslation();
  const checkin = useLoad<MyCheckin>('/me/checkin');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const c = checkin.data;
  if (!c?.enabled) return null;
  const reward = (r: { points?: number | null; coupon_template_id?: string | null }) => (r.points ? t('games.checkin.rewardPoints', { points: r.points }) : t('games.checkin.rewardCoupon'));

  async function checkIn() {
    setBusy(true);
    try {
      const done = await api<CheckinResult>('/me/checkin', { method: 'POST' });
      const given = done.rewards.filter((r) => r.status === 'fulfilled').map((r) => (r.kind === 'points' ? t('games.checkin.rewardPoints', { points: r.points }) : t('games.checkin.rewardCoupon')));
      setNote(given.length ? t('games.checkin.gotReward', { reward: given.join(' + ') }) : t('games.checkin.got', { days: done.streak }));
      await checkin.reload();
    } catch (err) {
      setNote(err instanceof ApiError ? t(`errors.${err.code}`, { defaultValue: err.message }) : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card checkin" aria-labelledby="checkin-title" data-testid="checkin-card">
      <div className="row">
        <div>
          <h2 id="checkin-title">{t('games.checkin.title')}</h2>
          <div data-testid="checkin-streak">{c.streak ? t('games.checkin.streak', { days: c.streak }) : t('games.checkin.start')}</div>
          <div className="muted">
            {c.daily_points > 0 && t('games.checkin.daily', { points: c.daily_points })}
            {c.next_reward && ` · ${t('games.checkin.next', { days: c.next_reward.day - c.streak, reward: reward(c.next_reward) })}`}
          </div>
        </div>
        <button type="button" className="checkin-button" disabled={c.checked_in_today || busy} onClick={() => void checkIn()} data-testid="checkin-button">
          {c.checked_in_today ? t('games.checkin.done') : t('games.checkin.button')}
        </button>
      </div>
      <div className="checkin-days" aria-label={t('games.checkin.month', { days: c.days_this_month.length })}>
        {Array.from({ length: 7 }, (_, i) => {
          // The week of the streak today falls in: day 8 starts a new row of seven.
          const today = c.checked_in_today ? c.streak : c.streak + 1;
          const day = Math.floor((today - 1) / 7) * 7 + i + 1;
          return <span key={day} className={day <= c.streak ? 'day done' : 'day'}>{day}</span>;
        })}
      </div>
      {note && <div role="status" className="muted" data-testid="checkin-note">{note}</div>}
    </section>
  );
}
