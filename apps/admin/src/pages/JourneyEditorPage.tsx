import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Drawer, Dropdown, Form, Input, InputNumber, List, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Background, Controls, Handle, Position, ReactFlow, applyNodeChanges, type Connection, type Edge, type Node, type NodeChange, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { branchesOf, journeyEventTypes, type Journey, type JourneyGraph, type JourneyNode, type JourneyNodeType, type journeyStatsSchema, type stepStatsSchema } from '@hearth/contracts/journeys';
import { api, ApiError, type Page } from '../api.ts';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { statusColor } from './JourneysPage.tsx';
import { MemberSearchSelect } from './MemberSearchSelect.tsx';

type StepStats = z.infer<typeof stepStatsSchema>;
type Stats = Pick<z.infer<typeof journeyStatsSchema>, 'entries' | 'converted' | 'steps' | 'uplift_bp'>;
interface DryRun { would_enter: boolean; entry_refusal: string | null; path: { step_id: string; type: string; outcome: string; detail: string; at: string }[]; ends: string }
type NodeData = { node: JourneyNode; stats?: StepStats; onPath: boolean; typeLabel: string; statsLine?: string };

const stepTypes: JourneyNodeType[] = ['wait', 'condition', 'split', 'send', 'coupon', 'points', 'tag', 'update_field', 'guide_task', 'webhook', 'exit'];
const defaults: Record<JourneyNodeType, unknown> = {
  trigger: { kind: 'api' },
  wait: { mode: 'duration', minutes: 60 },
  condition: { rule: { type: 'profile', field: 'city', op: 'eq', value: '上海' } },
  split: { arms: [{ id: 'a', weight: 9000, holdout: false }, { id: 'holdout', weight: 1000, holdout: true }] },
  send: { channel: 'inbox', template_id: '', category: 'marketing', variables: {} },
  coupon: { template_id: '', quantity: 1 },
  points: { points: 100, reason: '旅程赠送' },
  tag: { tag_id: '', action: 'add' },
  update_field: { field: 'campaign', value: '' },
  guide_task: { title: '跟进会员 {{ member_no }}', due_in_days: 3 },
  webhook: { template_id: '' },
  exit: {},
};
/** Where a step's referenced id is picked from: the field, the list to load and how to label an item. */
const pickers: Partial<Record<JourneyNodeType, { field: string; path: string }>> = {
  send: { field: 'template_id', path: '/messaging/templates?limit=200' },
  webhook: { field: 'template_id', path: '/messaging/templates?limit=200&channel=webhook' },
  coupon: { field: 'template_id', path: '/coupon-templates?limit=200' },
};

function StepNode({ data }: NodeProps<Node<NodeData>>) {
  const { node, onPath, typeLabel, statsLine } = data;
  const branches = branchesOf(node);
  return (
    <div style={{ padding: 8, minWidth: 170, borderRadius: 8, background: '#fff', border: `2px solid ${onPath ? '#1677ff' : node.type === 'trigger' ? '#52c41a' : '#d9d9d9'}` }}>
      {node.type !== 'trigger' && <Handle type="target" position={Position.Top} />}
      <div style={{ fontSize: 12, color: '#888' }}>{typeLabel}</div>
      <div style={{ fontWeight: 500 }}>{node.label ?? node.id}</div>
      {statsLine && <div style={{ fontSize: 12, color: '#1677ff' }}>{statsLine}</div>}
      {branches.map((b, i) => (
        <Handle key={b} id={b} type="source" position={Position.Bottom} style={{ left: `${((i + 1) * 100) / (branches.length + 1)}%` }}>
          {branches.length > 1 && <span style={{ position: 'absolute', top: 8, fontSize: 10, transform: 'translateX(-50%)' }}>{b}</span>}
        </Handle>
      ))}
    </div>
  );
}
const nodeTypes = { step: StepNode };

/** The visual journey editor: the draft graph on a canvas, step settings, publish and status, stats per step and a dry run. */
export function JourneyEditorPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [journey, setJourney] = useState<Journey>();
  const [graph, setGraph] = useState<JourneyGraph>();
  const [selected, setSelected] = useState<string>();
  const [configText, setConfigText] = useState('');
  const [labelText, setLabelText] = useState('');
  const [stats, setStats] = useState<Stats>();
  const [dry, setDry] = useState<DryRun>();
  const [dryMember, setDryMember] = useState<string>();
  const [errors, setErrors] = useState<{ field: string; message: string }[]>([]);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  // The canvas measures its nodes before it shows them: their sizes live here, beside the graph.
  const [measured, setMeasured] = useState<Record<string, Node['measured']>>({});

  const load = useCallback(async () => {
    const j = await api<Journey>(`/journeys/${id}`);
    setJourney(j);
    setGraph(j.graph);
    setErrors(j.problems);
  }, [id]);
  useEffect(() => void load().catch((e: Error) => message.error(e.message)), [load, message]);

  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.problem.errors) setErrors(e.problem.errors);
    message.error((e as Error).message);
  };
  const save = async (next = graph) => {
    const j = await api<Journey>(`/journeys/${id}`, { method: 'PATCH', body: { graph: next } });
    setJourney(j);
    setErrors(j.problems);
    return j;
  };
  const act = async (action: 'publish' | 'pause' | 'resume' | 'stop') => {
    try {
      if (action === 'publish') await save();
      setJourney(await api<Journey>(`/journeys/${id}/${action}`, { method: 'POST' }));
      message.success(action === 'publish' ? t('journeys.editor.published') : t(`journeys.status.${action === 'pause' ? 'paused' : action === 'stop' ? 'stopped' : 'active'}`));
    } catch (e) {
      fail(e);
    }
  };

  const update = (change: (g: JourneyGraph) => JourneyGraph) => setGraph((g) => (g ? change(g) : g));
  const selectedNode = graph?.nodes.find((n) => n.id === selected);
  useEffect(() => {
    if (!selectedNode) return;
    setConfigText(JSON.stringify(selectedNode.config, null, 2));
    setLabelText(selectedNode.label ?? '');
    const picker = pickers[selectedNode.type];
    setOptions([]);
    if (picker) void api<Page<{ id: string; name: string; channel?: string }>>(picker.path).then((p) => setOptions(p.data.map((x) => ({ value: x.id, label: x.channel ? `${x.name}（${x.channel}）` : x.name }))));
  }, [selectedNode]);

  const statsOf = useMemo(() => new Map(stats?.steps.map((s) => [s.step_id, s])), [stats]);
  const onPath = useMemo(() => new Set(dry?.path.map((p) => p.step_id)), [dry]);
  const nodes: Node<NodeData>[] = (graph?.nodes ?? []).map((n, i) => {
    const s = statsOf.get(n.id);
    return {
      id: n.id,
      type: 'step',
      position: n.position ?? { x: 0, y: i * 140 },
      measured: measured[n.id],
      data: { node: n, onPath: onPath.has(n.id), typeLabel: t(`journeys.types.${n.type}`), statsLine: s && statsLine(t, n.type, s) },
    };
  });
  const edges: Edge[] = (graph?.edges ?? []).map((e) => ({ id: `${e.from}:${e.branch}`, source: e.from, sourceHandle: e.branch, target: e.to, label: e.branch === 'next' ? undefined : e.branch, animated: onPath.has(e.from) && onPath.has(e.to) }));

  const onNodesChange = (changes: NodeChange<Node<NodeData>>[]) => {
    const moved = applyNodeChanges(changes, nodes);
    setMeasured(Object.fromEntries(moved.map((m) => [m.id, m.measured])));
    if (changes.some((c) => c.type === 'position')) update((g) => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, position: moved.find((m) => m.id === n.id)?.position ?? n.position })) }));
  };
  const onConnect = (c: Connection) =>
    update((g) => ({ ...g, edges: [...g.edges.filter((e) => !(e.from === c.source && e.branch === (c.sourceHandle ?? 'next'))), { from: c.source, to: c.target, branch: c.sourceHandle ?? 'next' }] }));
  const addStep = (type: JourneyNodeType) =>
    update((g) => {
      let n = g.nodes.length + 1;
      while (g.nodes.some((x) => x.id === `${type}_${n}`)) n++;
      const y = Math.max(0, ...g.nodes.map((x) => x.position?.y ?? 0)) + 140;
      return { ...g, nodes: [...g.nodes, { id: `${type}_${n}`, type, position: { x: 0, y }, config: defaults[type] } as JourneyNode] };
    });
  const applyConfig = () => {
    try {
      const config = JSON.parse(configText) as unknown;
      update((g) => ({ ...g, nodes: g.nodes.map((n) => (n.id === selected ? ({ ...n, label: labelText || undefined, config } as JourneyNode) : n)) }));
      setSelected(undefined);
    } catch {
      message.error(t('journeys.editor.invalidJson'));
    }
  };
  const removeStep = () => {
    update((g) => ({ ...g, nodes: g.nodes.filter((n) => n.id !== selected), edges: g.edges.filter((e) => e.from !== selected && e.to !== selected) }));
    setSelected(undefined);
  };
  const setPicked = (value: string) => {
    const picker = selectedNode && pickers[selectedNode.type];
    if (!picker) return;
    try {
      setConfigText(JSON.stringify({ ...(JSON.parse(configText) as object), [picker.field]: value }, null, 2));
    } catch {
      message.error(t('journeys.editor.invalidJson'));
    }
  };

  if (!journey || !graph) return null;
  const entry = graph.entry;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={<Space><Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/journeys')} />{journey.name}<Tag color={statusColor[journey.status]}>{t(`journeys.status.${journey.status}`)}</Tag>{journey.current_version && <Tag>v{journey.current_version.version}</Tag>}</Space>}
        extra={
          <Space wrap>
            <Dropdown menu={{ items: stepTypes.map((type) => ({ key: type, label: t(`journeys.types.${type}`) })), onClick: ({ key }) => addStep(key as JourneyNodeType) }}>
              <Button icon={<PlusOutlined />}>{t('journeys.editor.add')}</Button>
            </Dropdown>
            <Button onClick={() => void save().then(() => message.success(t('journeys.editor.saved'))).catch(fail)}>{t('journeys.editor.save')}</Button>
            <Button type="primary" onClick={() => void act('publish')}>{t('journeys.editor.publish')}</Button>
            {journey.status === 'active' && <Button onClick={() => void act('pause')}>{t('journeys.editor.pause')}</Button>}
            {journey.status === 'paused' && <Button onClick={() => void act('resume')}>{t('journeys.editor.resume')}</Button>}
            {(journey.status === 'active' || journey.status === 'paused') && (
              <Popconfirm title={t('journeys.editor.stopConfirm')} onConfirm={() => void act('stop')}>
                <Button danger>{t('journeys.editor.stop')}</Button>
              </Popconfirm>
            )}
            <Button onClick={() => (stats ? setStats(undefined) : void api<Stats>(`/journeys/${id}/stats`).then(setStats).catch(fail))}>{stats ? t('journeys.editor.hideStats') : t('journeys.editor.stats')}</Button>
          </Space>
        }
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <span>{t('journeys.editor.entryRule')}</span>
          <Select value={entry.mode} style={{ width: 150 }} onChange={(mode) => update((g) => ({ ...g, entry: { mode, ...(mode === 'once_per_days' && { days: g.entry.days ?? 30 }) } }))} options={(['once', 'once_per_days', 'every_time'] as const).map((m) => ({ value: m, label: t(`journeys.entryModes.${m}`) }))} />
          {entry.mode === 'once_per_days' && <InputNumber min={1} value={entry.days} onChange={(days) => update((g) => ({ ...g, entry: { ...g.entry, days: days ?? 1 } }))} />}
          <GoalInput goal={graph.goal ?? null} onChange={(goal) => update((g) => ({ ...g, goal }))} />
          {stats && <Typography.Text>{`${t('journeys.editor.entered')} ${stats.entries} · ${t('journeys.editor.converted')} ${stats.converted}${stats.uplift_bp !== null ? ` · ${t('journeys.editor.uplift')} ${(stats.uplift_bp / 100).toFixed(2)}%` : ''}`}</Typography.Text>}
        </Space>
        {errors.length ? (
          <Alert type="warning" showIcon message={t('journeys.editor.problems')} description={<ul style={{ margin: 0 }}>{errors.map((e) => <li key={e.field + e.message}>{`${e.field}: ${e.message}`}</li>)}</ul>} />
        ) : (
          <Alert type="success" showIcon message={t('journeys.editor.noProblems')} />
        )}
        <div style={{ height: 560, marginTop: 12, border: '1px solid #f0f0f0' }} data-testid="journey-canvas">
          <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onConnect={onConnect} onEdgesDelete={(gone) => update((g) => ({ ...g, edges: g.edges.filter((e) => !gone.some((x) => x.id === `${e.from}:${e.branch}`)) }))} onNodeClick={(_, n) => setSelected(n.id)} fitView>
            <Background />
            <Controls />
          </ReactFlow>
        </div>
      </Card>
      <Card title={t('journeys.editor.dryRun')}>
        <Space.Compact style={{ width: 480 }}>
          <MemberSearchSelect style={{ width: 360 }} value={dryMember} onChange={setDryMember} />
          <Button disabled={!dryMember} onClick={() => void api<DryRun>(`/journeys/${id}/dry-run`, { method: 'POST', body: { member_id: dryMember, source: 'draft' } }).then(setDry).catch(fail)}>{t('journeys.editor.dryRunRun')}</Button>
        </Space.Compact>
        {dry && (
          <List
            style={{ marginTop: 12 }}
            header={<Tag color={dry.would_enter ? 'green' : 'red'}>{dry.would_enter ? t('journeys.editor.wouldEnter') : `${t('journeys.editor.wouldNotEnter')}: ${dry.entry_refusal ?? ''}`}</Tag>}
            dataSource={dry.path}
            renderItem={(p) => <List.Item>{`${t(`journeys.types.${p.type}`)} ${p.step_id} → ${p.outcome}  ${p.detail}`}</List.Item>}
          />
        )}
      </Card>
      <Drawer open={!!selectedNode} width={480} title={`${t('journeys.editor.node')}: ${selectedNode?.id ?? ''}`} onClose={() => setSelected(undefined)} extra={<Space><Button danger disabled={selectedNode?.type === 'trigger'} onClick={removeStep}>{t('journeys.editor.remove')}</Button><Button type="primary" onClick={applyConfig}>{t('journeys.editor.apply')}</Button></Space>}>
        <Form layout="vertical">
          <Form.Item label={t('journeys.editor.label')}>
            <Input value={labelText} onChange={(e) => setLabelText(e.target.value)} maxLength={100} />
          </Form.Item>
          {selectedNode && pickers[selectedNode.type] && (
            <Form.Item label={pickers[selectedNode.type]!.field}>
              <Select showSearch optionFilterProp="label" options={options} onChange={setPicked} />
            </Form.Item>
          )}
          <Form.Item label={t('journeys.editor.config')}>
            <Input.TextArea value={configText} onChange={(e) => setConfigText(e.target.value)} autoSize={{ minRows: 8, maxRows: 24 }} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Drawer>
    </Space>
  );
}

/** A step's numbers on its node: messages are followed through the delivery log (delivered, clicked). */
function statsLine(t: TFunction, type: string, s: StepStats) {
  const parts = [`${t('journeys.editor.entered')} ${s.entered}`];
  if (type === 'send' || type === 'webhook') {
    parts.push(`${t('journeys.editor.sent')} ${s.sent}`, `${t('journeys.editor.delivered')} ${s.delivered}`, `${t('journeys.editor.clicked')} ${s.clicked}`);
    if (s.undelivered) parts.push(`${t('journeys.editor.undelivered')} ${s.undelivered}`);
  }
  parts.push(`${t('journeys.editor.converted')} ${s.converted}`);
  return parts.join(' · ');
}

type Goal = NonNullable<JourneyGraph['goal']>;

/**
 * 转化目标: the event that counts as converting (a purchase, an app open …), within hours of entering, optionally
 * narrowed by the event's properties typed as `property=value`. Conversions and the holdout uplift follow from it.
 */
function GoalInput({ goal, onChange }: { goal: Goal | null; onChange: (goal: Goal | null) => void }) {
  const { t } = useTranslation();
  const filterText = (f: Goal['filters'][number]) => `${f.property}=${Array.isArray(f.value) ? f.value.join(',') : String(f.value)}`;
  const parseFilters = (texts: string[]) =>
    texts.flatMap((text) => {
      const at = text.indexOf('=');
      if (at < 1) return [];
      const raw = text.slice(at + 1).trim();
      return [{ property: text.slice(0, at).trim(), op: 'eq' as const, value: raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw }];
    });
  return (
    <Space wrap data-testid="journey-goal">
      <span>{t('journeys.editor.goal')}</span>
      <Select allowClear placeholder={t('journeys.editor.noGoal')} style={{ width: 220 }} value={goal?.event_type} onChange={(eventType?: Goal['event_type']) => onChange(eventType ? { event_type: eventType, filters: goal?.filters ?? [], window_hours: goal?.window_hours ?? 72 } : null)} options={journeyEventTypes.map((e) => ({ value: e, label: e }))} />
      {goal && (
        <>
          <InputNumber min={1} max={24 * 90} value={goal.window_hours} addonBefore={t('journeys.editor.goalWithin')} addonAfter={t('journeys.editor.hours')} onChange={(hours) => onChange({ ...goal, window_hours: hours ?? 72 })} />
          <Select mode="tags" style={{ minWidth: 220 }} placeholder="type=purchase" value={goal.filters.map(filterText)} onChange={(texts: string[]) => onChange({ ...goal, filters: parseFilters(texts) })} />
        </>
      )}
    </Space>
  );
}
