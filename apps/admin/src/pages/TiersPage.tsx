import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, Checkbox, Col, ColorPicker, DatePicker, Empty, Form, Input, InputNumber, Popover, Progress, Row, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TierEvaluationRun, TierProgram, TierProgramInput, TierRules, TierSimulation } from '@hearth/contracts/tiers';
import { api, ApiError } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { BenefitPicker } from './BenefitPicker.tsx';
import { TierRuleBuilder } from './TierRuleBuilder.tsx';

// ECharts is large: loaded only when a chart is on screen.
const TierDistributionChart = lazy(() => import('./TierDistributionChart.tsx'));

type Distribution = { data: { tier_id: string; code: string; name: string; color: string; members: number }[] };

const defaultLadder = (t: (key: string) => string): TierProgramInput => ({
  name: t('tiers.title'),
  status: 'active',
  evaluation: 'yearly',
  downgrade_policy: 'one_level',
  grace_days: 30,
  notice_days: 30,
  tiers: [
    { code: 'normal', name: '普通', color: '#8c8c8c', icon: null, earning_multiplier: 1, benefit_ids: [] },
    { code: 'silver', name: '银卡', color: '#a6a6a6', icon: null, earning_multiplier: 1.2, benefit_ids: [] },
    { code: 'gold', name: '金卡', color: '#d4a017', icon: null, earning_multiplier: 1.5, benefit_ids: [] },
    { code: 'platinum', name: '白金卡', color: '#5b6cff', icon: null, earning_multiplier: 2, benefit_ids: [] },
  ],
  rules: {
    tiers: [
      { code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 200_000, window: { kind: 'calendar_year' } }] }, retain: null },
      { code: 'gold', qualify: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 1_200_000, window: { kind: 'calendar_year' } }] }, retain: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 600_000, window: { kind: 'rolling_months', months: 12 } }] } },
      { code: 'platinum', qualify: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 5_000_000, window: { kind: 'calendar_year' } }] }, retain: null },
    ],
  },
});

/** Tier ladders: members per tier, the ladder and its settings, the rule builder with simulation, and the runs. */
export function TiersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [programs, setPrograms] = useState<TierProgram[] | null>(null);
  const load = useCallback(() => api<{ data: TierProgram[] }>('/tier-programs').then((r) => setPrograms(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(() => void load(), [load]);
  const create = () => api('/tier-programs', { method: 'POST', idempotent: true, body: defaultLadder(t) }).then(load, (e: Error) => message.error(e.message));

  if (!programs) return <Card loading />;
  if (!programs.length)
    return (
      <Card title={t('tiers.title')}>
        <Empty description={t('tiers.noProgram')}>
          {can('tiers:manage') && (
            <Button type="primary" onClick={create}>
              {t('tiers.createDefault')}
            </Button>
          )}
        </Empty>
      </Card>
    );
  return <Tabs items={programs.map((p) => ({ key: p.id, label: p.name, children: <ProgramView program={p} onChange={load} /> }))} />;
}

function ProgramView({ program, onChange }: { program: TierProgram; onChange(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [distribution, setDistribution] = useState<Distribution['data']>([]);
  const [runs, setRuns] = useState<TierEvaluationRun[]>([]);
  const reload = useCallback(() => {
    void api<Distribution>(`/tier-programs/${program.id}/distribution`).then((d) => setDistribution(d.data), (e: Error) => message.error(e.message));
    void api<{ data: TierEvaluationRun[] }>(`/tier-programs/${program.id}/evaluations`).then((r) => setRuns(r.data), () => undefined);
  }, [program.id, message]);
  useEffect(reload, [reload]);
  const evaluate = () =>
    api(`/tier-programs/${program.id}/evaluations`, { method: 'POST', idempotent: true, body: {} }).then(
      () => {
        message.success(t('tiers.evaluationQueued'));
        setTimeout(reload, 1500);
      },
      (e: Error) => message.error(e.message),
    );
  const manage = can('tiers:manage');

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('tiers.distribution')}
        size="small"
        data-testid="tier-distribution"
        extra={manage && <Button icon={<ThunderboltOutlined />} onClick={evaluate}>{t('tiers.evaluateNow2')}</Button>}
      >
        <Suspense fallback={<Spin />}>
          <TierDistributionChart tiers={distribution} series={[{ name: t('tiers.members'), values: distribution.map((d) => d.members) }]} />
        </Suspense>
      </Card>
      <LadderCard program={program} onSaved={onChange} disabled={!manage} />
      <RulesCard program={program} onPublished={() => { onChange(); reload(); }} disabled={!manage} />
      <Card title={t('tiers.runs')} size="small">
        <Table
          size="small"
          rowKey="id"
          dataSource={runs}
          pagination={false}
          columns={[
            { title: t('tiers.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`tiers.runKinds.${k}`)}</Tag> },
            { title: t('tiers.asOfCol'), dataIndex: 'as_of', render: formatTime },
            { title: t('tiers.version', { version: '' }).trim(), dataIndex: 'rule_version' },
            { title: t('tiers.progress'), render: (_, r) => <Progress size="small" percent={r.total ? Math.round((100 * r.done) / r.total) : r.status === 'done' ? 100 : 0} status={r.status === 'done' ? 'success' : 'active'} /> },
            { title: t('tiers.counts'), dataIndex: 'counts', render: (c: Record<string, number>) => Object.entries(c).map(([k, v]) => <Tag key={k}>{`${k === 'expiring_soon' ? t('tiers.runKinds.notice') : t(`tiers.kinds.${k}`)} ${v}`}</Tag>) },
            { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
          ]}
        />
      </Card>
    </Space>
  );
}

type LadderForm = Omit<TierProgramInput, 'rules' | 'tiers'> & { tiers: (Omit<TierProgramInput['tiers'][number], 'color'> & { color: string | { toHexString(): string } })[] };

function LadderCard({ program, onSaved, disabled }: { program: TierProgram; onSaved(): void; disabled: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<LadderForm>();
  const [saving, setSaving] = useState(false);
  useEffect(() => form.setFieldsValue(program), [form, program]);
  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      // The form does not edit icons: a kept tier keeps its own, so saving never drops them.
      const tiers = values.tiers.map((tier) => {
        const kept = program.tiers.find((p) => p.id === tier.id);
        return { ...tier, icon: kept?.icon ?? null, benefit_ids: tier.benefit_ids ?? [], color: typeof tier.color === 'string' ? tier.color : tier.color.toHexString() };
      });
      await api(`/tier-programs/${program.id}`, { method: 'PUT', idempotent: true, body: { ...values, tiers } });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name: name.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [e] })) as never);
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card title={t('tiers.ladder')} size="small" extra={!disabled && <Button type="primary" loading={saving} onClick={save}>{t('tiers.saveLadder')}</Button>}>
      <Form form={form} layout="vertical" disabled={disabled}>
        <Row gutter={16}>
          <Col xs={24} md={6}><Form.Item name="name" label={t('tiers.name')} rules={[{ required: true }]}><Input maxLength={60} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="evaluation" label={t('tiers.evaluation')}><Select options={(['yearly', 'anniversary', 'monthly'] as const).map((v) => ({ value: v, label: t(`tiers.evaluations.${v}`) }))} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="downgrade_policy" label={t('tiers.policy')}><Select options={(['one_level', 'to_qualifying'] as const).map((v) => ({ value: v, label: t(`tiers.policies.${v}`) }))} /></Form.Item></Col>
          <Col xs={8} md={3}><Form.Item name="grace_days" label={t('tiers.grace')}><InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={8} md={3}><Form.Item name="notice_days" label={t('tiers.notice')}><InputNumber min={1} max={365} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={8} md={4}><Form.Item name="status" label={t('tiers.status')}><Select options={(['active', 'paused'] as const).map((v) => ({ value: v, label: t(`tiers.statuses.${v}`) }))} /></Form.Item></Col>
        </Row>
        <Form.List name="tiers">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="start" wrap style={{ display: "flex" }}>
                  <Form.Item name={[field.name, 'id']} hidden><Input /></Form.Item>
                  <Form.Item name={[field.name, 'code']} label={index === 0 ? t('tiers.code') : undefined} rules={[{ required: true, pattern: /^[a-z0-9_-]{1,32}$/ }]}><Input style={{ width: 110 }} /></Form.Item>
                  <Form.Item name={[field.name, 'name']} label={index === 0 ? t('tiers.tierName') : undefined} rules={[{ required: true }]}><Input style={{ width: 120 }} /></Form.Item>
                  <Form.Item name={[field.name, 'color']} label={index === 0 ? t('tiers.color') : undefined}><ColorPicker format="hex" disabledAlpha /></Form.Item>
                  <Form.Item name={[field.name, 'earning_multiplier']} label={index === 0 ? t('tiers.multiplier') : undefined}><InputNumber min={0} max={100} step={0.1} precision={2} style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[field.name, 'benefit_ids']} label={index === 0 ? t('tiers.benefits') : undefined}><BenefitPicker style={{ width: 280 }} /></Form.Item>
                  {index === 0 ? <Tag style={{ marginTop: 34 }}>{t('tiers.entry')}</Tag> : !disabled && <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} />}
                </Space>
              ))}
              {!disabled && <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ code: `tier${fields.length}`, name: '', color: '#8c8c8c', icon: null, earning_multiplier: 1, benefit_ids: [] })}>{t('tiers.addTier')}</Button>}
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

function RulesCard({ program, onPublished, disabled }: { program: TierProgram; onPublished(): void; disabled: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [draft, setDraft] = useState<TierRules>(program.rules?.rules ?? { tiers: [] });
  const [effectiveFrom, setEffectiveFrom] = useState<Dayjs | null>(null);
  const [note, setNote] = useState('');
  const [evaluate, setEvaluate] = useState(true);
  const [simulation, setSimulation] = useState<TierSimulation | null>(null);
  const [busy, setBusy] = useState(false);
  const withFields = (error: unknown) => message.error(error instanceof ApiError && error.problem.errors?.length ? error.problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : (error as Error).message);
  const simulate = async () => {
    setBusy(true);
    try {
      setSimulation(await api<TierSimulation>(`/tier-programs/${program.id}/simulate`, { method: 'POST', body: { rules: draft, as_of: effectiveFrom?.toISOString(), sample_size: 5 } }));
    } catch (error) {
      withFields(error);
    } finally {
      setBusy(false);
    }
  };
  const publish = async () => {
    setBusy(true);
    try {
      const version = await api<{ version: number }>(`/tier-programs/${program.id}/rules`, { method: 'POST', idempotent: true, body: { rules: draft, effective_from: effectiveFrom?.toISOString(), note: note || undefined, evaluate } });
      message.success(t('tiers.published', { version: version.version }));
      onPublished();
    } catch (error) {
      withFields(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('tiers.rules')} size="small" extra={program.rules && <Tag color="green">{`${t('tiers.inForce')} · ${t('tiers.version', { version: program.rules.version })}`}</Tag>}>
      <TierRuleBuilder tiers={program.tiers} rules={draft} onChange={setDraft} disabled={disabled} />
      <Space wrap style={{ marginTop: 12 }}>
        <DatePicker showTime placeholder={t('tiers.effectiveFrom')} value={effectiveFrom} onChange={setEffectiveFrom} />
        <Button onClick={simulate} loading={busy} data-testid="tier-simulate">{t('tiers.runSimulation')}</Button>
        {!disabled && (
          <>
            <Input placeholder={t('tiers.note')} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 200 }} maxLength={200} />
            <Checkbox checked={evaluate} onChange={(e) => setEvaluate(e.target.checked)}>{t('tiers.evaluateNow')}</Checkbox>
            <Button type="primary" onClick={publish} loading={busy}>{t('tiers.publish')}</Button>
          </>
        )}
      </Space>
      {simulation && <SimulationView program={program} simulation={simulation} />}
    </Card>
  );
}

function SimulationView({ program, simulation }: { program: TierProgram; simulation: TierSimulation }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const cell = (from: string, to: string) => simulation.moves.find((m) => m.from === from && m.to === to);
  const name = (code: string) => program.tiers.find((tier) => tier.code === code)?.name ?? code;
  return (
    <div style={{ marginTop: 16 }} data-testid="tier-simulation">
      <Typography.Title level={5}>{`${t('tiers.simulate')} · ${t('tiers.asOf')} ${formatTime(simulation.as_of)} · ${t('tiers.simulatedMembers', { count: simulation.members })}`}</Typography.Title>
      <Suspense fallback={<Spin />}>
        <TierDistributionChart
          tiers={program.tiers}
          series={[
            { name: t('tiers.before'), values: simulation.distribution.map((d) => d.before) },
            { name: t('tiers.after'), values: simulation.distribution.map((d) => d.after) },
          ]}
        />
      </Suspense>
      <Typography.Text type="secondary">{t('tiers.moveMatrix')}</Typography.Text>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={program.tiers}
        columns={[
          { title: '', dataIndex: 'name', render: (v: string, tier) => <Tag color={tier.color}>{v}</Tag> },
          ...program.tiers.map((to) => ({
            title: name(to.code),
            key: to.code,
            render: (_: unknown, from: { code: string }) => {
              const c = cell(from.code, to.code);
              if (!c) return <Typography.Text type="secondary">0</Typography.Text>;
              const moved = from.code !== to.code;
              return (
                <Popover
                  title={t('tiers.sample')}
                  content={<Space direction="vertical">{c.sample.map((id) => <a key={id} onClick={() => navigate(`/members/${id}`)}>{id}</a>)}</Space>}
                >
                  <Typography.Text strong={moved} type={moved ? (program.tiers.findIndex((x) => x.code === to.code) > program.tiers.findIndex((x) => x.code === from.code) ? 'success' : 'danger') : undefined} style={{ cursor: 'pointer' }}>
                    {c.count}
                  </Typography.Text>
                </Popover>
              );
            },
          })),
        ]}
      />
    </div>
  );
}
