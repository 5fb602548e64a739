import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Col, Descriptions, Row, Space, Spin, Statistic, Table, Tag } from 'antd';
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ClvSummary, MemberClv } from '@hearth/contracts/analytics';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

const Chart = lazy(() => import('./Chart.tsx'));

/** CLV: the latest BG/NBD + Gamma-Gamma fit, members by CLV band, and the members worth most. */
export function ClvPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [summary, setSummary] = useState<ClvSummary | null>(null);
  const [top, setTop] = useState<MemberClv[] | null>(null);
  const load = useCallback(() => {
    void api<ClvSummary>('/analytics/clv').then(setSummary, (e: Error) => message.error(e.message));
    void api<{ data: MemberClv[] }>('/analytics/clv/members?limit=20').then((r) => setTop(r.data), (e: Error) => message.error(e.message));
  }, [message]);
  useEffect(load, [load]);
  const refit = () =>
    void api<{ already_queued: boolean }>('/analytics/clv/runs', { method: 'POST', idempotent: true }).then(
      (r) => message.success(r.already_queued ? t('clv.alreadyQueued') : t('clv.queued')),
      (e: Error) => message.error(e.message),
    );

  const fit = summary?.fit;
  const band = (from: number, to: number | null) => (to === null ? `≥ ${formatFen(from)}` : `${formatFen(from)} – ${formatFen(to)}`);
  const option = summary && {
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 16, top: 16, bottom: 64 },
    xAxis: { type: 'category', data: summary.distribution.map((b) => band(b.from_fen, b.to_fen)), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1, name: t('clv.members') },
    series: [{ name: t('clv.members'), type: 'bar', barMaxWidth: 40, itemStyle: { color: '#c2410c' }, data: summary.distribution.map((b) => b.members), label: { show: true, position: 'top' } }],
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('clv.title')}
        loading={!summary}
        data-testid="clv-summary"
        extra={
          <Space>
            {can('analytics:manage') && (
              <Button icon={<SyncOutlined />} onClick={refit} data-testid="clv-refit">
                {t('clv.refit')}
              </Button>
            )}
            <Button icon={<ReloadOutlined />} onClick={load}>
              {t('common.refresh')}
            </Button>
          </Space>
        }
      >
        {summary && !fit && <Alert type="info" showIcon title={t('clv.noFit')} />}
        {fit?.status === 'insufficient_data' && <Alert type="warning" showIcon title={t('clv.insufficient', { customers: fit.customers, repeaters: fit.repeaters })} />}
        {summary && (
          <Row gutter={[24, 16]} style={{ marginTop: fit?.status === 'succeeded' ? 0 : 16 }}>
            <Col xs={12} md={6}>
              <Statistic title={t('clv.scored')} value={summary.members} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('clv.totalClv', { months: fit?.horizon_months ?? 12 })} value={formatFen(summary.total_clv_fen)} styles={{ content: { color: '#c2410c' } }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('clv.totalHistoric')} value={formatFen(summary.total_historic_fen)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('clv.calibrationEnd')} value={fit?.calibration_end ?? '—'} />
            </Col>
          </Row>
        )}
        {fit?.bgnbd && fit.gammagamma && (
          <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginTop: 16 }}>
            <Descriptions.Item label="BG/NBD">{`r=${fit.bgnbd.r.toFixed(3)} α=${fit.bgnbd.alpha.toFixed(3)} a=${fit.bgnbd.a.toFixed(3)} b=${fit.bgnbd.b.toFixed(3)} LL=${fit.bgnbd.loglik.toFixed(1)}`}</Descriptions.Item>
            <Descriptions.Item label="Gamma-Gamma">{`p=${fit.gammagamma.p.toFixed(3)} q=${fit.gammagamma.q.toFixed(3)} v=${formatFen(Math.round(fit.gammagamma.v))}`}</Descriptions.Item>
            <Descriptions.Item label={t('clv.fittedAt')}>{formatTime(fit.finished_at)}</Descriptions.Item>
            <Descriptions.Item label={t('clv.discount')}>{`${fit.discount_bp / 100}%`}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card title={t('clv.distribution')}>
        <Suspense fallback={<Spin />}>{option && <Chart option={option} testId="clv-distribution" />}</Suspense>
      </Card>
      <Card title={t('clv.top')}>
        <Table<MemberClv>
          rowKey="member_id"
          size="small"
          loading={!top}
          dataSource={top ?? []}
          pagination={false}
          data-testid="clv-top"
          scroll={{ x: 900 }}
          columns={[
            { title: t('clv.member'), render: (_, m) => <Link to={`/members/${m.member_id}`}>{m.display_name ?? m.member_no}</Link> },
            { title: t('clv.clv'), dataIndex: 'clv_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('clv.percentile'), dataIndex: 'clv_percentile', align: 'right', render: (v: number) => <Tag color={v >= 90 ? 'volcano' : undefined}>{`P${v}`}</Tag> },
            { title: t('clv.pAlive'), dataIndex: 'p_alive', align: 'right', render: (v: number) => `${(v * 100).toFixed(1)}%` },
            { title: t('clv.expectedPurchases'), dataIndex: 'expected_purchases', align: 'right', render: (v: number) => v.toFixed(2) },
            { title: t('clv.perPurchase'), dataIndex: 'expected_spend_per_purchase_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('clv.historic'), dataIndex: 'historic_value_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('clv.repeats'), dataIndex: 'repeat_purchases', align: 'right' },
          ]}
        />
      </Card>
    </Space>
  );
}
