import dayjs from 'dayjs';

/** Times arrive in UTC; operators read them in their browser's zone. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—';
}
