import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import { ApiError } from '../api.ts';

/** A refusal of the referrals or distribution API in the operator's words, with the fields it names. */
export function growthErrorText(t: TFunction, ns: 'referrals' | 'distribution', error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  const base = t(`${ns}.errors.${error.code}`, { defaultValue: error.message });
  const fields = (error.problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('；');
  return fields ? `${base}（${fields}）` : base;
}

/**
 * Puts the server's field errors on the form items; `rename` maps API fields to form fields (fen amounts are
 * typed in yuan). Returns whether any error found its item.
 */
export function showFieldErrors(form: FormInstance, error: unknown, rename: Record<string, string> = {}): boolean {
  if (!(error instanceof ApiError)) return false;
  const entries = Object.entries(error.fieldErrors).map(([field, message]) => ({ name: (rename[field] ?? field).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [message] }));
  form.setFields(entries as never);
  return entries.length > 0;
}

/** Basis points ↔ a percentage with at most two decimals (550 ↔ 5.5); rounding drops float noise of the input. */
export const bpToPercent = (bp: number) => bp / 100;
export const percentToBp = (percent: number) => Math.round(percent * 100);

/** A member by number when known, linked to the member 360. */
export function MemberLink({ id, no }: { id: string; no?: string | null }) {
  return <Link to={`/members/${id}`}>{no ?? id.slice(0, 8)}</Link>;
}
