import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MyMemberDay } from '@hearth/contracts/member-days';
import { useLoad } from '../use-load.ts';

/** The local calendar day as words ("11月18日 周三"): the server already chose the day in the brand's zone. */
export function dayLabel(day: string, language: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en' : 'zh-CN', { month: 'long', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export const times = (bp: number) => String(bp / 10000);

/** The card page's line about the next member day; nothing when none is scheduled. */
export function NextMemberDay() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const days = useLoad<{ data: MyMemberDay[] }>('/me/member-days');
  const next = days.data?.data[0];
  if (!next) return null;
  return (
    <button type="button" className="card" data-testid="next-member-day" onClick={() => navigate('/member-days')} style={{ display: 'flex', width: '100%', justifyContent: 'space-between', alignItems: 'center', border: 0, marginBottom: 12, textAlign: 'left' }}>
      <span>
        <strong>{next.today ? t('memberDays.today') : `${t('memberDays.next')} · ${dayLabel(next.day, i18n.language)}`}</strong>
        <br />
        <span className="muted">
          {next.name}
          {next.points_multiplier_bp > 10000 ? ` · ${t('memberDays.points', { x: times(next.points_multiplier_bp) })}` : ''}
        </span>
      </span>
      <span aria-hidden>›</span>
    </button>
  );
}
