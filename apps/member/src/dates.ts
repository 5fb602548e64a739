import i18next from 'i18next';

// Dates and times in the member center are the brand's: an event at 19:30 in a Shanghai store reads 19:30 on a
// phone set to another zone. Every member response names the zone (x-hearth-time-zone); the phone keeps the last.
const KEY = 'hearth.timeZone';
let zone = localStorage.getItem(KEY) ?? 'Asia/Shanghai';

export function rememberTimeZone(timeZone: string | null) {
  if (!timeZone || timeZone === zone) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    return;
  }
  zone = timeZone;
  localStorage.setItem(KEY, timeZone);
}

/** An instant written the member's language's way, in the brand's zone. */
export function formatInZone(iso: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(i18next.language === 'en' ? 'en' : 'zh-CN', { ...options, timeZone: zone }).format(new Date(iso));
}
