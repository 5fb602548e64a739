import { lazy, Suspense, useEffect, useState } from 'react';
import { Alert, Card, Col, Descriptions, Row, Segmented, Spin, Statistic, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Overview } from '@hearth/contracts/analytics';
import type { Store } from '@hearth/contracts/stores';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';

const Chart = lazy(() => import('./Chart.tsx'));

export function DashboardPage() {
  const { t } = useTranslation();
  const { session, can } = useSession();
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('dashboard.welcome', { name: session?.operator.name })}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('dashboard.intro', { tenant: session?.tenant.name })}</Typography.Paragraph>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('login.tenant')}>{session?.tenant.slug}</Descriptions.Item>
            <Descriptions.Item label={t('dashboard.timeZone')}>{session?.tenant.time_zone}</Descriptions.Item>
            <Descriptions.Item label={t('dashboard.role')}>{t(`roles.${session?.operator.role}`)}</Descriptions.Item>
          </Descriptions>
        </Card>
      </Col>
      {can('analytics:read') && <BusinessOverview />}
      {can('stores:read') && (
        <Col xs={24} md={8}>
          <StoreCount />
        </Col>
      )}
    </Row>
  );
}

/** The figures an operations lead opens the console for: members, buyers, sales against the days before, points owed. */
function BusinessOverview() {
  const { t } = useTranslation();
  const [days, setDays] = useState(30);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setOverview(null);
    api<Overview>(`/analytics/overview?days=${days}`).then(setOverview, (e: Error) => setError(e.message));
  }, [days]);
  if (error) return <Col span={24}><Alert type="error" message={error} /></Col>;
  if (!overview) return <Col span={24}><Card><Spin /></Card></Col>;
  const { window: current, previous_window: previous } = overview;
  const cards = [
    { key: 'members', title: t('dashboard.members'), value: overview.members.toLocaleString('zh-CN'), hint: t('dashboard.newMembers', { days, count: current.new_members }) },
    { key: 'active', title: t('dashboard.activeBuyers'), value: overview.active_buyers_90d.toLocaleString('zh-CN'), hint: t('dashboard.buyersInWindow', { days, count: current.buyers }) },
    { key: 'today', title: t('dashboard.todaySales'), value: formatFen(overview.today.revenue_fen), hint: t('dashboard.orders', { count: overview.today.orders }) },
    { key: 'revenue', title: t('dashboard.windowSales', { days }), value: formatFen(current.revenue_fen), change: change(current.revenue_fen, previous.revenue_fen), hint: t('dashboard.orders', { count: current.orders }) },
    { key: 'points', title: t('dashboard.pointsOwed'), value: formatFen(overview.points.outstanding_fen), hint: t('dashboard.pointsExpiring', { points: overview.points.expiring_30d_points.toLocaleString('zh-CN') }) },
  ];
  const option = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, left: 'center' },
    grid: { left: 64, right: 56, top: 56, bottom: 32 },
    xAxis: { type: 'category', data: overview.daily.map((d) => d.day.slice(5)) },
    yAxis: [
      { type: 'value', name: t('dashboard.salesAxis'), axisLabel: { formatter: (v: number) => `¥${(v / 100).toLocaleString('zh-CN')}` } },
      { type: 'value', name: t('dashboard.countAxis'), minInterval: 1 },
    ],
    series: [
      { name: t('dashboard.salesSeries'), type: 'line', areaStyle: { opacity: 0.12 }, data: overview.daily.map((d) => d.revenue_fen), tooltip: { valueFormatter: (v: number) => formatFen(v) } },
      { name: t('dashboard.ordersSeries'), type: 'bar', yAxisIndex: 1, data: overview.daily.map((d) => d.orders) },
      { name: t('dashboard.newMembersSeries'), type: 'bar', yAxisIndex: 1, data: overview.daily.map((d) => d.new_members) },
    ],
  };
  return (
    <>
      {cards.map((card) => (
        <Col key={card.key} flex="1 1 220px">
          <Card data-testid={`overview-${card.key}`}>
            <Statistic
              title={card.title}
              value={card.value}
              suffix={
                card.change !== undefined && (
                  <Typography.Text type={card.change >= 0 ? 'success' : 'danger'} style={{ fontSize: 14 }}>
                    {card.change >= 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {Math.abs(card.change).toFixed(1)}%
                  </Typography.Text>
                )
              }
            />
            <Typography.Text type="secondary">{card.hint}</Typography.Text>
          </Card>
        </Col>
      ))}
      <Col span={24}>
        <Card
          title={t('dashboard.trend')}
          extra={<Segmented value={days} onChange={(v) => setDays(v)} options={[7, 30, 90].map((d) => ({ value: d, label: t('dashboard.lastDays', { days: d }) }))} />}
        >
          <Suspense fallback={<Spin />}>
            <Chart option={option} height={300} testId="overview-trend" />
          </Suspense>
        </Card>
      </Col>
    </>
  );
}

/** Percent change against the days before; undefined when there is nothing to compare with. */
function change(now: number, before: number): number | undefined {
  return before > 0 ? ((now - before) / before) * 100 : undefined;
}

function StoreCount() {
  const { t } = useTranslation();
  const stores = useCursorList<Store>('/stores', {}, 200);
  return (
    <Card>
      <Statistic title={t('nav.stores')} value={stores.rows.length} suffix={stores.hasMore ? '+' : undefined} prefix={<ShopOutlined />} loading={stores.loading} />
    </Card>
  );
}
