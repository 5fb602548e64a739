import type { TFunction } from 'i18next';
import { ApiError } from '../api.ts';
import { formatTime } from '../format.ts';

/** An API refusal in the operator's words; the server's detail when we have none of our own. */
export function eventErrorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  const field = error.problem.errors?.[0];
  const base = t(`events.errors.${error.code}`, { defaultValue: error.message });
  // "Already checked in at …": the scan that got there first is what staff need to see.
  if (error.code === 'TICKET_ALREADY_CHECKED_IN' && field) return `${base}（${formatTime(field.message)}）`;
  if (error.code === 'VALIDATION_FAILED' && field && field.field !== 'code') return `${field.field}: ${field.message}`;
  return base;
}
