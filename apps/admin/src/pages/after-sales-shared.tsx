import { App, Input } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Member } from '@hearth/contracts/members';
import { api, ApiError, query, type Page } from '../api.ts';

/**
 * A refusal in the operator's words for the item-code, service and recommendation pages: the code's own text,
 * then each field the server named, in our words when we have them and the server's otherwise.
 */
export function problemText(t: TFunction, ns: 'itemCodes' | 'service' | 'recs', error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  const base = t(`${ns}.errors.${error.code}`, { defaultValue: error.message });
  const fields = (error.problem.errors ?? []).map((e) => t(`${ns}.fields.${e.field}`, { defaultValue: `${e.field}: ${e.message}` }));
  return fields.length ? `${base}：${fields.join('；')}` : base;
}

/** Finds one member by phone (11+ digits) or member no., as the coupon issue page does. */
export function MemberFinder({ onFound, placeholder, testId }: { onFound: (member: Member | null) => void; placeholder: string; testId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const find = async (text: string) => {
    const value = text.trim();
    if (!value) return onFound(null);
    const phoneLike = /^\+?\d{11,15}$/.test(value);
    const page = await api<Page<Member>>(`/members${query({ [phoneLike ? 'phone' : 'member_no']: value, limit: 1 })}`).catch((e: Error) => {
      message.error(e.message);
      return null;
    });
    onFound(page?.data[0] ?? null);
    if (page && !page.data.length) message.warning(t('service.memberNotFound'));
  };
  return <Input.Search placeholder={placeholder} enterButton={t('service.find')} onSearch={(v) => void find(v)} allowClear style={{ maxWidth: 420 }} data-testid={testId} />;
}
