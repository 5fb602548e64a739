import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Drawer, Form, Input, InputNumber, Radio, Select, Space, Statistic, Switch, Table, Tag } from 'antd';
import { DeleteOutlined, DownloadOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { lifecycleStages, paidStatuses, rfmGroups, type Condition, type Preview, type Rule, type Segment } from '@hearth/contracts/segments';
import { consentChannels } from '@hearth/contracts/members';
import type { Plan } from '@hearth/contracts/membership';
import type { TierProgram } from '@hearth/contracts/tiers';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

type RowKind = 'city' | 'gender' | 'tag' | 'orders_count' | 'orders_amount' | 'last_order' | 'event' | 'points' | 'consent' | 'lifecycle' | 'rfm' | 'tier' | 'clv_percentile' | 'influence' | 'heavy_user' | 'paid_status';
interface Row {
  id: number;
  kind: RowKind;
  not: boolean;
  text?: string;
  number?: number;
  days?: number;
  values?: string[];
  /** tier: the program; paid_status: the statuses (values hold the plans). */
  program?: string;
  statuses?: string[];
}

const kinds: RowKind[] = ['city', 'gender', 'tag', 'orders_count', 'orders_amount', 'last_order', 'event', 'points', 'consent', 'lifecycle', 'rfm', 'tier', 'clv_percentile', 'influence', 'heavy_user', 'paid_status'];
const numberKinds: RowKind[] = ['orders_count', 'orders_amount', 'last_order', 'event', 'points', 'clv_percentile', 'influence'];

/** One builder row as a rule condition; undefined while the row is incomplete. */
function toCondition(row: Row): Condition | undefined {
  const gte = (value?: number) => (value === undefined ? undefined : { op: 'gte' as const, value });
  const window = row.days ? { last_days: row.days } : undefined;
  switch (row.kind) {
    case 'city':
      return row.text ? { type: 'profile', field: 'city', op: 'eq', value: row.text } : undefined;
    case 'gender':
      return row.text ? { type: 'profile', field: 'gender', op: 'eq', value: row.text } : undefined;
    case 'tag':
      return row.values?.length ? { type: 'tags', op: 'any', tag_ids: row.values } : undefined;
    case 'orders_count':
      return row.number === undefined ? undefined : { type: 'orders', metric: 'count', window, compare: gte(row.number)! };
    case 'orders_amount':
      return row.number === undefined ? undefined : { type: 'orders', metric: 'amount_fen', window, compare: gte(Math.round(row.number * 100))! };
    case 'last_order':
      return row.number === undefined ? undefined : { type: 'last_order', days_ago: gte(row.number)!, include_never: false };
    case 'event':
      return row.text && row.number !== undefined ? { type: 'event', event_type: row.text, window, compare: gte(row.number)! } : undefined;
    case 'points':
      return row.number === undefined ? undefined : { type: 'points_balance', compare: gte(row.number)! };
    case 'consent':
      return row.text ? { type: 'consent', channel: row.text as 'sms', granted: true } : undefined;
    case 'lifecycle':
      return row.values?.length ? { type: 'lifecycle', stages: row.values as (typeof lifecycleStages)[number][] } : undefined;
    case 'rfm':
      return row.values?.length ? { type: 'rfm', groups: row.values as (typeof rfmGroups)[number][] } : undefined;
    case 'tier':
      return row.program && row.values?.length ? { type: 'tier', program_id: row.program, tier_ids: row.values } : undefined;
    case 'clv_percentile':
      return row.number === undefined ? undefined : { type: 'clv_percentile', compare: gte(row.number)! };
    case 'influence':
      return row.number === undefined ? undefined : { type: 'influence', index: gte(row.number) };
    case 'heavy_user':
      return { type: 'influence', heavy_user: true };
    case 'paid_status':
      return { type: 'paid_status', plan_ids: row.values?.length ? row.values : undefined, statuses: row.statuses?.length ? (row.statuses as (typeof paidStatuses)[number][]) : undefined };
  }
}

function toRule(combine: 'and' | 'or', rows: Row[]): Rule | undefined {
  const rules = rows.flatMap((row) => {
    const condition = toCondition(row);
    return condition ? [row.not ? ({ op: 'not', rule: condition } as Rule) : condition] : [];
  });
  return rules.length ? { op: combine, rules } : undefined;
}

/** Segments: the list with member counts, and the builder with a live count of who matches. */
export function SegmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [segments, setSegments] = useState<Segment[] | null>(null);
  const [open, setOpen] = useState(false);
  const load = useCallback(() => {
    void api<{ data: Segment[] }>('/segments?limit=100&status=active').then((r) => setSegments(r.data), (e: Error) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);
  const recompute = (id: string) =>
    void api<{ members: number }>(`/segments/${id}/recompute`, { method: 'POST', idempotent: true }).then(
      (r) => {
        message.success(t('segments.recomputed', { members: r.members }));
        load();
      },
      (e: Error) => message.error(e.message),
    );
  return (
    <Card
      title={t('segments.title')}
      extra={
        can('segments:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="segment-new">
            {t('segments.create')}
          </Button>
        )
      }
    >
      <Table<Segment>
        rowKey="id"
        loading={!segments}
        dataSource={segments ?? []}
        pagination={false}
        columns={[
          { title: t('segments.name'), dataIndex: 'name' },
          { title: t('segments.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`segments.kinds.${k}`)}</Tag> },
          { title: t('segments.members'), dataIndex: 'member_count', align: 'right' },
          { title: t('segments.live'), dataIndex: 'depends_on', render: (d: string[], s) => (s.kind === 'static' ? '—' : [...d, ...(s.time_based ? [t('segments.sweep')] : [])].map((k) => <Tag key={k}>{k}</Tag>)) },
          { title: t('segments.computedAt'), dataIndex: 'computed_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, s) => (
              <Space>
                {can('segments:write') && s.kind === 'dynamic' && <Button size="small" icon={<SyncOutlined />} onClick={() => recompute(s.id)} />}
                {can('segments:export') && (
                  <Button size="small" icon={<DownloadOutlined />} href={`/api/v1/segments/${s.id}/export.csv`}>
                    {t('segments.export')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <SegmentBuilder
        open={open}
        onClose={(saved) => {
          setOpen(false);
          if (saved) load();
        }}
      />
    </Card>
  );
}

function SegmentBuilder({ open, onClose }: { open: boolean; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [name, setName] = useState('');
  const [combine, setCombine] = useState<'and' | 'or'>('and');
  const [rows, setRows] = useState<Row[]>([{ id: 1, kind: 'orders_count', not: false, number: 1 }]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [tags, setTags] = useState<{ value: string; label: string }[]>([]);
  const [programs, setPrograms] = useState<TierProgram[]>([]);
  const [plans, setPlans] = useState<Plan[]>([]);
  const { can } = useSession();
  useEffect(() => {
    if (!open) return;
    // The pickers of the tier and paid-status conditions; an operator without those permissions just gets none.
    if (can('tiers:read')) void api<{ data: TierProgram[] }>('/tier-programs').then((r) => setPrograms(r.data), () => setPrograms([]));
    if (can('membership:read')) void api<{ data: Plan[] }>('/membership/plans').then((r) => setPlans(r.data), () => setPlans([]));
    void api<{ data: { name: string; tags: { id: string; name: string }[] }[] }>('/tag-groups').then(
      (r) => setTags(r.data.flatMap((g) => g.tags.map((tag) => ({ value: tag.id, label: `${g.name} / ${tag.name}` })))),
      () => setTags([]),
    );
  }, [open, can]);
  const rule = toRule(combine, rows);
  const ruleKey = JSON.stringify(rule ?? null);
  // The live count: one preview query, a moment after the last edit.
  useEffect(() => {
    if (!open || !rule) return setPreview(null);
    const timer = setTimeout(() => {
      void api<Preview>('/segments/preview', { method: 'POST', body: { rule, sample_size: 5 } }).then(setPreview, (e: Error) => message.error(e.message));
    }, 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ruleKey, open]);
  const update = (id: number, patch: Partial<Row>) => setRows((all) => all.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const save = () =>
    void api<Segment>('/segments', { method: 'POST', idempotent: true, body: { name, kind: 'dynamic', rule } }).then(
      () => {
        message.success(t('common.saved'));
        onClose(true);
      },
      (e: Error) => message.error(e.message),
    );
  const stageOptions = lifecycleStages.map((s) => ({ value: s, label: t(`lifecycle.stages.${s}`) }));
  const groupOptions = rfmGroups.map((g) => ({ value: g, label: t(`rfm.groups.${g}`) }));
  return (
    <Drawer
      title={t('segments.builder')}
      size="large"
      open={open}
      onClose={() => onClose(false)}
      extra={
        <Button type="primary" disabled={!name || !rule} onClick={save} data-testid="segment-save">
          {t('common.save')}
        </Button>
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('segments.name')} required>
          <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} data-testid="segment-name" />
        </Form.Item>
        <Form.Item label={t('segments.combine')}>
          <Radio.Group value={combine} onChange={(e) => setCombine(e.target.value)} optionType="button" options={[{ value: 'and', label: t('segments.and') }, { value: 'or', label: t('segments.or') }]} />
        </Form.Item>
        {rows.map((row) => (
          <Space key={row.id} wrap style={{ marginBottom: 12 }} data-testid="segment-condition">
            <Switch checkedChildren={t('segments.not')} unCheckedChildren={t('segments.is')} checked={row.not} onChange={(not) => update(row.id, { not })} />
            <Select style={{ width: 160 }} showSearch={{ optionFilterProp: 'label' }} value={row.kind} onChange={(kind: RowKind) => update(row.id, { kind, text: undefined, number: undefined, values: undefined, days: undefined, program: undefined, statuses: undefined })} options={kinds.map((k) => ({ value: k, label: t(`segments.conditions.${k}`) }))} />
            {(row.kind === 'city' || row.kind === 'event') && <Input style={{ width: 140 }} placeholder={t(`segments.placeholders.${row.kind}`)} value={row.text} onChange={(e) => update(row.id, { text: e.target.value || undefined })} />}
            {row.kind === 'gender' && <Select style={{ width: 120 }} value={row.text} onChange={(text: string) => update(row.id, { text })} options={['female', 'male', 'unknown'].map((g) => ({ value: g, label: t(`segments.genders.${g}`) }))} />}
            {row.kind === 'consent' && <Select style={{ width: 140 }} value={row.text} onChange={(text: string) => update(row.id, { text })} options={consentChannels.map((c) => ({ value: c, label: t(`members.consentChannels.${c}`) }))} />}
            {row.kind === 'tag' && <Select mode="multiple" style={{ minWidth: 220 }} value={row.values} onChange={(values: string[]) => update(row.id, { values })} options={tags} />}
            {row.kind === 'lifecycle' && <Select mode="multiple" style={{ minWidth: 220 }} value={row.values} onChange={(values: string[]) => update(row.id, { values })} options={stageOptions} />}
            {row.kind === 'rfm' && <Select mode="multiple" style={{ minWidth: 260 }} value={row.values} onChange={(values: string[]) => update(row.id, { values })} options={groupOptions} />}
            {row.kind === 'tier' && (
              <>
                <Select style={{ width: 160 }} placeholder={t('segments.program')} value={row.program} onChange={(program: string) => update(row.id, { program, values: undefined })} options={programs.map((p) => ({ value: p.id, label: p.name }))} data-testid="segment-tier-program" />
                <Select mode="multiple" style={{ minWidth: 200 }} placeholder={t('segments.tiers')} value={row.values} onChange={(values: string[]) => update(row.id, { values })} options={(programs.find((p) => p.id === row.program)?.tiers ?? []).map((tier) => ({ value: tier.id, label: tier.name }))} data-testid="segment-tier-tiers" />
              </>
            )}
            {row.kind === 'paid_status' && (
              <>
                <Select mode="multiple" allowClear style={{ minWidth: 180 }} placeholder={t('segments.anyPlan')} value={row.values} onChange={(values: string[]) => update(row.id, { values })} options={plans.map((p) => ({ value: p.id, label: p.name }))} data-testid="segment-paid-plans" />
                <Select mode="multiple" allowClear style={{ minWidth: 200 }} placeholder={t('segments.anyStatus')} value={row.statuses} onChange={(statuses: string[]) => update(row.id, { statuses })} options={paidStatuses.map((s) => ({ value: s, label: t(`membership.statuses.${s}`) }))} data-testid="segment-paid-statuses" />
              </>
            )}
            {numberKinds.includes(row.kind) && (
              <InputNumber min={0} max={['clv_percentile', 'influence'].includes(row.kind) ? 100 : undefined} addonBefore="≥" addonAfter={t(`segments.units.${row.kind}`)} value={row.number} onChange={(v) => update(row.id, { number: v ?? undefined })} />
            )}
            {['orders_count', 'orders_amount', 'event'].includes(row.kind) && (
              <InputNumber min={1} max={3650} addonBefore={t('segments.lastDays')} addonAfter={t('segments.days')} placeholder={t('segments.allTime')} value={row.days} onChange={(v) => update(row.id, { days: v ?? undefined })} />
            )}
            <Button icon={<DeleteOutlined />} disabled={rows.length === 1} onClick={() => setRows((all) => all.filter((r) => r.id !== row.id))} />
          </Space>
        ))}
        <Button icon={<PlusOutlined />} onClick={() => setRows((all) => [...all, { id: Math.max(...all.map((r) => r.id)) + 1, kind: 'city', not: false }])}>
          {t('segments.addCondition')}
        </Button>
      </Form>
      <Card size="small" style={{ marginTop: 24 }} data-testid="segment-preview">
        <Statistic title={t('segments.liveCount')} value={preview?.count ?? '—'} suffix={preview ? t('segments.tookMs', { ms: preview.took_ms }) : undefined} />
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={preview?.sample ?? []}
          columns={[
            { title: t('segments.memberNo'), dataIndex: 'member_no' },
            { title: t('segments.memberName'), dataIndex: 'name' },
            { title: t('segments.phone'), dataIndex: 'phone' },
            { title: t('segments.city'), dataIndex: 'city' },
          ]}
        />
      </Card>
    </Drawer>
  );
}
