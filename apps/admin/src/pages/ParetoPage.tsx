import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, Col, DatePicker, Row, Space, Spin, Statistic, Table, Tag } from 'antd';
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import type { InfluenceMember, ParetoReport } from '@hearth/contracts/analytics';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';

const Chart = lazy(() => import('./Chart.tsx'));

interface HeavyUser {
  member_id: string;
  member_no: string;
  display_name: string | null;
  revenue_fen: number;
  orders: number;
  rank: number;
}

const pct = (bp: number) => `${(bp / 100).toFixed(1)}%`;

/** 80/20: how concentrated revenue is (Lorenz curve), who the heavy users are, and who brings others (KOCs). */
export function ParetoPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [report, setReport] = useState<ParetoReport | null>(null);
  const [heavy, setHeavy] = useState<HeavyUser[] | null>(null);
  const [influencers, setInfluencers] = useState<InfluenceMember[] | null>(null);
  const load = useCallback(() => {
    const query = range ? `?from=${range[0].format('YYYY-MM-DD')}&to=${range[1].format('YYYY-MM-DD')}` : '';
    void api<ParetoReport>(`/analytics/pareto${query}`).then(setReport, (e: Error) => message.error(e.message));
    void api<{ data: HeavyUser[] }>(`/analytics/pareto/heavy-users${query}${query ? '&' : '?'}limit=20`).then((r) => setHeavy(r.data), (e: Error) => message.error(e.message));
    void api<{ data: InfluenceMember[] }>('/analytics/influence?limit=20').then((r) => setInfluencers(r.data), (e: Error) => message.error(e.message));
  }, [range, message]);
  useEffect(load, [load]);
  const refreshFlags = () =>
    void api<{ members: number }>('/analytics/member-flags/refresh', { method: 'POST', idempotent: true }).then(
      (r) => {
        message.success(t('pareto.refreshed', { members: r.members }));
        load();
      },
      (e: Error) => message.error(e.message),
    );

  const option = report && {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(1)}%` },
    legend: { data: [t('pareto.lorenz'), t('pareto.equality')], top: 0, right: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', min: 0, max: 100, name: t('pareto.buyersAxis'), nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', min: 0, max: 100, name: t('pareto.revenueAxis') },
    series: [
      {
        name: t('pareto.lorenz'),
        type: 'line',
        showSymbol: false,
        areaStyle: { opacity: 0.15 },
        itemStyle: { color: '#c2410c' },
        data: report.lorenz.map((p) => [p.buyers_bp / 100, p.revenue_bp / 100]),
        markLine: { symbol: 'none', lineStyle: { type: 'dashed', color: '#999' }, data: [{ xAxis: 80 }] },
      },
      { name: t('pareto.equality'), type: 'line', showSymbol: false, lineStyle: { type: 'dotted', color: '#999' }, data: [[0, 0], [100, 100]] },
    ],
  };
  const member = (m: { member_id: string; member_no: string; display_name: string | null }) => <Link to={`/members/${m.member_id}`}>{m.display_name ?? m.member_no}</Link>;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('pareto.title')}
        loading={!report}
        data-testid="pareto-summary"
        extra={
          <Space wrap>
            <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} allowClear />
            {can('analytics:manage') && (
              <Button icon={<SyncOutlined />} onClick={refreshFlags}>
                {t('pareto.refreshFlags')}
              </Button>
            )}
            <Button icon={<ReloadOutlined />} onClick={load}>
              {t('common.refresh')}
            </Button>
          </Space>
        }
      >
        {report && (
          <Row gutter={[24, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('pareto.window')} value={`${report.from} ~ ${report.to}`} styles={{ content: { fontSize: 16 } }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('pareto.buyers')} value={report.buyers} />
              <span>{formatFen(report.revenue_fen)}</span>
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('pareto.top20')} value={pct(report.top_20_revenue_share_bp)} styles={{ content: { color: '#c2410c' } }} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('pareto.gini')} value={(report.gini_bp / 10_000).toFixed(3)} />
              <span>{t('pareto.heavy', { count: report.heavy_users, share: pct(report.top_share_bp), revenue: pct(report.heavy_revenue_share_bp) })}</span>
            </Col>
          </Row>
        )}
        <Suspense fallback={<Spin />}>{option && <Chart option={option} height={320} testId="pareto-lorenz" />}</Suspense>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card title={t('pareto.heavyUsers')}>
            <Table<HeavyUser>
              rowKey="member_id"
              size="small"
              loading={!heavy}
              dataSource={heavy ?? []}
              pagination={false}
              columns={[
                { title: '#', dataIndex: 'rank', width: 56 },
                { title: t('clv.member'), render: (_, m) => member(m) },
                { title: t('pareto.revenue'), dataIndex: 'revenue_fen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('pareto.orders'), dataIndex: 'orders', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('pareto.influencers')} extra={<Tag>{t('pareto.referralsPending')}</Tag>}>
            <Table<InfluenceMember>
              rowKey="member_id"
              size="small"
              loading={!influencers}
              dataSource={influencers ?? []}
              pagination={false}
              data-testid="influencers"
              locale={{ emptyText: t('pareto.noInfluencers') }}
              columns={[
                { title: t('clv.member'), render: (_, m) => member(m) },
                { title: t('pareto.index'), dataIndex: 'influence_index', align: 'right' },
                { title: t('pareto.score'), dataIndex: 'score', align: 'right', render: (v: number) => v.toFixed(1) },
                { title: t('pareto.events'), render: (_, m) => Object.entries(m.events).map(([type, count]) => <Tag key={type}>{`${type} × ${count}`}</Tag>) },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
