import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Form, InputNumber, Radio, Row, Space, Spin, Table } from 'antd';
import { SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { lifecycleStages, type RfmSettings, type lifecycleFlowSchema, type lifecycleSummarySchema, type rfmGridSchema } from '@hearth/contracts/segments';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

const Chart = lazy(() => import('./Chart.tsx'));

type RfmGrid = z.infer<typeof rfmGridSchema>;
type LifecycleSummary = z.infer<typeof lifecycleSummarySchema>;
type LifecycleFlow = z.infer<typeof lifecycleFlowSchema>;

/** RFM: the R × F heat map (members per cell, mean spend in the tooltip), the eight value groups, the scoring. */
export function RfmPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [grid, setGrid] = useState<RfmGrid | null>(null);
  const [settings, setSettings] = useState<RfmSettings | null>(null);
  const load = useCallback(() => {
    void api<RfmGrid>('/rfm/grid').then(setGrid, (e: Error) => message.error(e.message));
    void api<RfmSettings>('/rfm/settings').then(setSettings, (e: Error) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);
  const recompute = () =>
    void api<{ members: number }>('/rfm/recompute', { method: 'POST', idempotent: true }).then(
      (r) => {
        message.success(t('rfm.recomputed', { members: r.members }));
        load();
      },
      (e: Error) => message.error(e.message),
    );
  const saveSettings = (values: RfmSettings) =>
    void api<RfmSettings>('/rfm/settings', { method: 'PUT', body: values }).then(
      () => message.success(t('common.saved')),
      (e: Error) => message.error(e.message),
    );
  const scores = ['1', '2', '3', '4', '5'];
  const option = grid && {
    tooltip: { formatter: (p: { value: [number, number, number, number] }) => t('rfm.cellTip', { r: p.value[0] + 1, f: p.value[1] + 1, members: p.value[2], spend: formatFen(p.value[3]) }) },
    grid: { left: 56, right: 24, top: 16, bottom: 72 },
    xAxis: { type: 'category', data: scores, name: 'R', splitArea: { show: true } },
    yAxis: { type: 'category', data: scores, name: 'F', splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, ...grid.cells.map((c) => c.members)), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fff7ed', '#c2410c'] } },
    series: [{ type: 'heatmap', label: { show: true }, data: grid.cells.map((c) => [c.r - 1, c.f - 1, c.members, c.avg_monetary_fen]) }],
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('rfm.title')}
        loading={!grid}
        extra={
          <Space>
            <span>{t('rfm.computedAt', { at: formatTime(grid?.computed_at) })}</span>
            {can('segments:write') && (
              <Button icon={<SyncOutlined />} onClick={recompute} data-testid="rfm-recompute">
                {t('rfm.recompute')}
              </Button>
            )}
          </Space>
        }
      >
        <Row gutter={24}>
          <Col xs={24} xl={12}>
            <Suspense fallback={<Spin />}>{option && <Chart option={option} height={380} testId="rfm-heatmap" />}</Suspense>
          </Col>
          <Col xs={24} xl={12}>
            <Table
              size="small"
              rowKey="group"
              pagination={false}
              dataSource={grid?.groups ?? []}
              columns={[
                { title: t('rfm.group'), dataIndex: 'group', render: (g: string) => t(`rfm.groups.${g}`) },
                { title: t('rfm.members'), dataIndex: 'members', align: 'right' },
                { title: t('rfm.spend'), dataIndex: 'monetary_fen', align: 'right', render: formatFen },
              ]}
            />
          </Col>
        </Row>
      </Card>
      {settings && (
        <Card title={t('rfm.settings')}>
          <Form<RfmSettings> layout="inline" initialValues={settings} onFinish={saveSettings} disabled={!can('segments:write')}>
            <Form.Item name="window_days" label={t('rfm.window')}>
              <InputNumber min={7} max={3650} addonAfter={t('segments.days')} />
            </Form.Item>
            <Form.Item name="scoring" label={t('rfm.scoring')}>
              <Radio.Group optionType="button" options={[{ value: 'quintile', label: t('rfm.quintile') }, { value: 'fixed', label: t('rfm.fixed') }]} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}

/** Lifecycle: members per stage and how many moved between stages in each month (a Sankey of the latest month). */
export function LifecyclePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [summary, setSummary] = useState<LifecycleSummary | null>(null);
  const [flow, setFlow] = useState<LifecycleFlow | null>(null);
  const load = useCallback(() => {
    void api<LifecycleSummary>('/lifecycle/summary').then(setSummary, (e: Error) => message.error(e.message));
    void api<LifecycleFlow>('/lifecycle/flow?months=12').then(setFlow, (e: Error) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);
  const recompute = () =>
    void api<{ stage_changes: number }>('/lifecycle/recompute', { method: 'POST', idempotent: true }).then(
      (r) => {
        message.success(t('lifecycle.recomputed', { changes: r.stage_changes }));
        load();
      },
      (e: Error) => message.error(e.message),
    );
  const stage = (s: string | null) => (s ? t(`lifecycle.stages.${s}`) : t('lifecycle.entered'));
  const latest = flow?.months.at(-1);
  const stagesOption = summary && {
    tooltip: {},
    grid: { left: 80, right: 24, top: 16, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: summary.stages.map((s) => stage(s.stage)) },
    series: [{ type: 'bar', itemStyle: { color: '#c2410c' }, data: summary.stages.map((s) => s.members) }],
  };
  // A Sankey needs distinct node names on each side: "from" stages on the left, "to" stages on the right.
  const sankeyOption = latest && {
    tooltip: {},
    series: [
      {
        type: 'sankey',
        nodeAlign: 'justify',
        data: [...new Set(latest.flows.flatMap((f) => [`${stage(f.from)} `, stage(f.to)]))].map((name) => ({ name })),
        links: latest.flows.filter((f) => f.from !== f.to).map((f) => ({ source: `${stage(f.from)} `, target: stage(f.to), value: f.members })),
      },
    ],
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('lifecycle.title')}
        loading={!summary}
        extra={
          <Space>
            <span>{t('rfm.computedAt', { at: formatTime(summary?.computed_at) })}</span>
            {can('segments:write') && (
              <Button icon={<SyncOutlined />} onClick={recompute} data-testid="lifecycle-recompute">
                {t('lifecycle.recompute')}
              </Button>
            )}
          </Space>
        }
      >
        <Suspense fallback={<Spin />}>{stagesOption && <Chart option={stagesOption} height={260} testId="lifecycle-stages" />}</Suspense>
      </Card>
      <Card title={t('lifecycle.flow', { month: latest?.month ?? '—' })}>
        <Suspense fallback={<Spin />}>{sankeyOption && <Chart option={sankeyOption} height={360} testId="lifecycle-sankey" />}</Suspense>
        <Table
          size="small"
          rowKey={(r) => `${r.month}|${r.from}|${r.to}`}
          pagination={{ pageSize: 20 }}
          dataSource={(flow?.months ?? []).flatMap((m) => m.flows.map((f) => ({ month: m.month, ...f })))}
          columns={[
            { title: t('lifecycle.month'), dataIndex: 'month' },
            { title: t('lifecycle.from'), dataIndex: 'from', render: stage },
            { title: t('lifecycle.to'), dataIndex: 'to', render: stage },
            { title: t('rfm.members'), dataIndex: 'members', align: 'right' },
          ]}
        />
      </Card>
      <Card size="small">{t('lifecycle.explain', { stages: lifecycleStages.map((s) => t(`lifecycle.stages.${s}`)).join(' → ') })}</Card>
    </Space>
  );
}
