import { useEffect, useState } from 'react';
import { Checkbox, Select, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { Plan } from '@hearth/contracts/membership';
import type { TierProgram } from '@hearth/contracts/tiers';
import { api, ApiError } from '../api.ts';
import { CSRF_HEADER } from '@hearth/contracts/auth';

/**
 * Tiers (every ladder), paid plans, segments and tags by id, for the eligibility editor, member prices and their
 * labels. Every row of a list shows its eligibility, so the lists are fetched once and shared for half a minute.
 */
export function useAudiences(): Audiences {
  const [audiences, setAudiences] = useState<Audiences>(noAudiences);
  useEffect(() => {
    let live = true;
    void loadAudiences().then((a) => live && setAudiences(a));
    return () => void (live = false);
  }, []);
  return audiences;
}

const noAudiences: Audiences = { tiers: [], plans: [], segments: [], tags: [] };
let audiencesCache: { at: number; value: Promise<Audiences> } | null = null;

function loadAudiences(): Promise<Audiences> {
  if (audiencesCache && Date.now() - audiencesCache.at < 30_000) return audiencesCache.value;
  // Operators without the rights to one list still edit with the others; that list stays empty.
  const quiet = <T,>(p: Promise<T>, map: (v: T) => Audience[]) => p.then(map, () => []);
  const value = Promise.all([
    quiet(api<{ data: TierProgram[] }>('/tier-programs'), (r) => r.data.flatMap((p) => p.tiers.map((t) => ({ id: t.id, name: r.data.length > 1 ? `${p.name} · ${t.name}` : t.name })))),
    quiet(api<{ data: Plan[] }>('/membership/plans'), (r) => r.data.map((p) => ({ id: p.id, name: p.name }))),
    quiet(api<{ data: Audience[] }>('/segments?status=active&limit=200'), (r) => r.data.map((s) => ({ id: s.id, name: s.name }))),
    quiet(api<{ data: { name: string; tags: Audience[] }[] }>('/tag-groups'), (r) => r.data.flatMap((g) => g.tags.map((tag) => ({ id: tag.id, name: `${g.name} · ${tag.name}` })))),
  ]).then(([tiers, plans, segments, tags]) => ({ tiers, plans, segments, tags }));
  audiencesCache = { at: Date.now(), value };
  return value;
}

interface Audiences {
  tiers: Audience[];
  plans: Audience[];
  segments: Audience[];
  tags: Audience[];
}
type Audience = { id: string; name: string };

/** Paid members, plans, tiers, segments and tags; any one admits, none admits everyone. */
export function EligibilityInput({ value, onChange }: { value?: Eligibility; onChange?: (v: Eligibility) => void }) {
  const { t } = useTranslation();
  const { tiers, plans, segments, tags } = useAudiences();
  const v = value ?? {};
  const set = (patch: Partial<Eligibility>) => onChange?.({ ...v, ...patch });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Checkbox checked={!!v.paid_members} onChange={(e) => set({ paid_members: e.target.checked || undefined })}>
        {t('partners.eligibility.paid')}
      </Checkbox>
      <Select mode="multiple" allowClear placeholder={t('partners.eligibility.plans')} value={v.plan_ids ?? []} onChange={(ids: string[]) => set({ plan_ids: ids.length ? ids : undefined })} options={plans.map((p) => ({ value: p.id, label: p.name }))} />
      <Select mode="multiple" allowClear placeholder={t('partners.eligibility.tiers')} value={v.tier_ids ?? []} onChange={(ids: string[]) => set({ tier_ids: ids.length ? ids : undefined })} options={tiers.map((p) => ({ value: p.id, label: p.name }))} />
      <Select mode="multiple" allowClear optionFilterProp="label" placeholder={t('partners.eligibility.segments')} value={v.segment_ids ?? []} onChange={(ids: string[]) => set({ segment_ids: ids.length ? ids : undefined })} options={segments.map((p) => ({ value: p.id, label: p.name }))} data-testid="eligibility-segments" />
      <Select mode="multiple" allowClear optionFilterProp="label" placeholder={t('partners.eligibility.tags')} value={v.tag_ids ?? []} onChange={(ids: string[]) => set({ tag_ids: ids.length ? ids : undefined })} options={tags.map((p) => ({ value: p.id, label: p.name }))} data-testid="eligibility-tags" />
    </Space>
  );
}

export function EligibilityTags({ value }: { value: Eligibility }) {
  const { t } = useTranslation();
  const { tiers, plans, segments, tags: tagList } = useAudiences();
  const name = (list: Audience[], id: string) => list.find((x) => x.id === id)?.name ?? id.slice(0, 8);
  const tags = [
    ...(value.paid_members ? [t('partners.eligibility.summaryPaid')] : []),
    ...(value.plan_ids ?? []).map((id) => name(plans, id)),
    ...(value.tier_ids ?? []).map((id) => name(tiers, id)),
    ...(value.segment_ids ?? []).map((id) => `${t('partners.eligibility.segments')} · ${name(segments, id)}`),
    ...(value.tag_ids ?? []).map((id) => `${t('partners.eligibility.tags')} · ${name(tagList, id)}`),
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
