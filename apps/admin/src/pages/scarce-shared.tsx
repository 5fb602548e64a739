import { useEffect, useState } from 'react';
import { Checkbox, Select, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { Plan } from '@hearth/contracts/membership';
import type { TierProgram } from '@hearth/contracts/tiers';
import { api, ApiError } from '../api.ts';
import { CSRF_HEADER } from '@hearth/contracts/auth';

/** Tiers (every ladder) and paid plans by id, for the eligibility editor, member prices and their labels. */
export function useAudiences() {
  const [tiers, setTiers] = useState<{ id: string; name: string }[]>([]);
  const [plans, setPlans] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    void api<{ data: TierProgram[] }>('/tier-programs').then(
      (r) => setTiers(r.data.flatMap((p) => p.tiers.map((t) => ({ id: t.id, name: r.data.length > 1 ? `${p.name} · ${t.name}` : t.name })))),
      () => setTiers([]),
    );
    void api<{ data: Plan[] }>('/membership/plans').then(
      (r) => setPlans(r.data.map((p) => ({ id: p.id, name: p.name }))),
      () => setPlans([]),
    );
  }, []);
  return { tiers, plans };
}

/** Paid members, plans and tiers (the API also takes segments and tags); any one admits, none admits everyone. */
export function EligibilityInput({ value, onChange }: { value?: Eligibility; onChange?: (v: Eligibility) => void }) {
  const { t } = useTranslation();
  const { tiers, plans } = useAudiences();
  const v = value ?? {};
  const set = (patch: Partial<Eligibility>) => onChange?.({ ...v, ...patch });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Checkbox checked={!!v.paid_members} onChange={(e) => set({ paid_members: e.target.checked || undefined })}>
        {t('partners.eligibility.paid')}
      </Checkbox>
      <Select mode="multiple" allowClear placeholder={t('partners.eligibility.plans')} value={v.plan_ids ?? []} onChange={(ids: string[]) => set({ plan_ids: ids.length ? ids : undefined })} options={plans.map((p) => ({ value: p.id, label: p.name }))} />
      <Select mode="multiple" allowClear placeholder={t('partners.eligibility.tiers')} value={v.tier_ids ?? []} onChange={(ids: string[]) => set({ tier_ids: ids.length ? ids : undefined })} options={tiers.map((p) => ({ value: p.id, label: p.name }))} />
    </Space>
  );
}

export function EligibilityTags({ value }: { value: Eligibility }) {
  const { t } = useTranslation();
  const { tiers, plans } = useAudiences();
  const name = (list: { id: string; name: string }[], id: string) => list.find((x) => x.id === id)?.name ?? id.slice(0, 8);
  const tags = [
    ...(value.paid_members ? [t('partners.eligibility.summaryPaid')] : []),
    ...(value.plan_ids ?? []).map((id) => name(plans, id)),
    ...(value.tier_ids ?? []).map((id) => name(tiers, id)),
    ...(value.segment_ids ?? []).map((id) => `segment ${id.slice(0, 8)}`),
    ...(value.tag_ids ?? []).map((id) => `tag ${id.slice(0, 8)}`),
  ];
  return tags.length ? <>{tags.map((x) => <Tag key={x}>{x}</Tag>)}</> : <Tag color="green">{t('partners.eligibility.everyone')}</Tag>;
}

/** Sends a file as it is (GBK bytes stay GBK) to a text/csv endpoint and returns its JSON answer. */
export async function uploadCsv<T>(path: string, file: File): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'text/csv', [CSRF_HEADER]: '1', 'idempotency-key': crypto.randomUUID() },
    body: file,
  });
  const payload: unknown = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, payload as ApiError['problem']);
  return payload as T;
}

/** A known problem code in the operator's language, else the server's words. */
export function scarceErrorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `pricing.errors.${error.code}`;
    const text = t(key);
    return text === key ? error.message : text;
  }
  return (error as Error).message;
}
