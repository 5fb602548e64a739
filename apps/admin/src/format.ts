import dayjs from 'dayjs';

/** Times arrive in UTC; operators read them in their browser's zone. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—';
}

/** Fen to ¥ with two decimals, as every amount is shown: 1280 → ¥12.80. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('zh-CN')}.${String(abs % 100).padStart(2, '0')}`;
}

/** ¥ typed by an operator ("12.8") to fen, exactly (no floating-point arithmetic); undefined when not a price. */
export function yuanToFen(text: string): number | undefined {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
