import { useTranslation } from 'react-i18next';
import i18next, { type TFunction } from 'i18next';
import { ApiError } from './api.ts';
import { formatInZone } from './dates.ts';

/**
 * What to tell the member when a request is refused: the page's wording of the first field's code if it has one
 * (`<namespace>.errors.<field code>`, filled with `values`: the server's field message is English), else the
 * page's own wording of the problem's code (`<namespace>.errors.<code>`), else the shared wording, else the
 * server's message; plus the first field's message, so a form says which answer was wrong.
 */
export function problemText(t: TFunction, err: unknown, namespace?: string, values: Record<string, unknown> = {}): string {
  if (!(err instanceof ApiError)) return (err as Error).message;
  const field = err.problem.errors?.[0];
  if (namespace && field?.code && i18next.exists(`${namespace}.errors.${field.code}`)) return t(`${namespace}.errors.${field.code}`, values);
  const keys = namespace ? [`${namespace}.errors.${err.code}`, `errors.${err.code}`] : [`errors.${err.code}`];
  return `${t(keys, { defaultValue: err.message })}${field ? `：${field.message}` : ''}`;
}

/** A date and time the way the member's language writes it ("11月23日 18:00"), in the brand's zone. */
export function useDateTime() {
  // Subscribes the caller to language changes, so its dates re-render in the new language.
  useTranslation();
  return (iso: string) => formatInZone(iso, { month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
