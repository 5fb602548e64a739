import { lazy, Suspense, useEffect, useState } from 'react';
import { App, Card, Col, Row, Segmented, Spin, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CouponMonthlyReport } from '@hearth/contracts/coupons';
import type { ChurnReport, PaidRatioReport, RenewalReport, RevenueShareReport } from '@hearth/contracts/membership';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';

const Chart = lazy(() => import('./Chart.tsx'));

interface Reports {
  ratio: PaidRatioReport['data'];
  revenue: RevenueShareReport['data'];
  renewals: RenewalReport['data'];
  churn: ChurnReport['data'];
  coupons: CouponMonthlyReport['data'] | null;
}

const percent = (bp: number | null) => (bp === null ? null : bp / 100);
const yuan = (fen: number) => Math.round(fen) / 100;

/** Paid-membership and coupon reports by month of the brand's zone, as ECharts (loaded on demand). */
export function MembershipReportsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [months, setMonths] = useState(12);
  const [reports, setReports] = useState<Reports | null>(null);
  useEffect(() => {
    setReports(null);
    const get = <T,>(path: string) => api<{ data: T }>(`${path}?months=${months}`).then((r) => r.data);
    void Promise.all([
      get<Reports['ratio']>('/membership/reports/paid-ratio'),
      get<Reports['revenue']>('/membership/reports/revenue-share'),
      get<Reports['renewals']>('/membership/reports/renewals'),
      get<Reports['churn']>('/membership/reports/churn'),
      can('coupons:read') ? get<CouponMonthlyReport['data']>('/coupons/reports/monthly') : Promise.resolve(null),
    ]).then(([ratio, revenue, renewals, churn, coupons]) => setReports({ ratio, revenue, renewals, churn, coupons }), (e: Error) => message.error(e.message));
  }, [months, can, message]);

  const r = reports;
  const axis = (names: string[]) => ({ type: 'category', data: names });
  const pctAxis = { type: 'value', name: '%', min: 0, max: 100, position: 'right', splitLine: { show: false } };
  const base = { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 56, right: 48, top: 40, bottom: 28 } };
  const card = (title: string, testId: string, option: Record<string, unknown> | null) => (
    <Card title={title} size="small">
      <Suspense fallback={<Spin />}>{option ? <Chart option={option} height={280} testId={testId} /> : <Spin />}</Suspense>
    </Card>
  );
  const plans = r ? [...new Map(r.churn.map((c) => [c.plan_id, c.plan_name])).entries()] : [];
  const templates = r?.coupons ? [...new Map(r.coupons.map((c) => [c.template_id, c.template_name])).entries()] : [];
  const monthsOf = (rows: { month: string }[]) => [...new Set(rows.map((x) => x.month))];

  return (
    <Card
      title={t('membership.reports.title')}
      data-testid="membership-reports"
      extra={<Segmented value={months} onChange={(v) => setMonths(Number(v))} options={[6, 12, 24].map((n) => ({ value: n, label: t('membership.reports.months', { n }) }))} />}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          {card(t('membership.reports.paidRatio'), 'membership-report-ratio', r && {
            ...base,
            xAxis: axis(r.ratio.map((x) => x.month)),
            yAxis: [{ type: 'value', minInterval: 1 }, pctAxis],
            series: [
              { name: t('membership.reports.members'), type: 'bar', data: r.ratio.map((x) => x.members), itemStyle: { color: '#d9d9d9' } },
              { name: t('membership.reports.paidMembers'), type: 'bar', data: r.ratio.map((x) => x.paid_members), itemStyle: { color: '#c2410c' } },
              { name: t('membership.reports.ratio'), type: 'line', yAxisIndex: 1, data: r.ratio.map((x) => percent(x.ratio_bp)) },
            ],
          })}
        </Col>
        <Col xs={24} xl={12}>
          {card(t('membership.reports.revenueShare'), 'membership-report-revenue', r && {
            ...base,
            xAxis: axis(r.revenue.map((x) => x.month)),
            yAxis: [{ type: 'value', name: t('membership.reports.yuan') }, pctAxis],
            tooltip: { trigger: 'axis' },
            series: [
              { name: t('membership.reports.memberRevenue'), type: 'bar', data: r.revenue.map((x) => yuan(x.member_revenue_fen)), itemStyle: { color: '#d9d9d9' } },
              { name: t('membership.reports.paidRevenue'), type: 'bar', data: r.revenue.map((x) => yuan(x.paid_member_revenue_fen)), itemStyle: { color: '#c2410c' } },
              { name: t('membership.reports.share'), type: 'line', yAxisIndex: 1, data: r.revenue.map((x) => percent(x.share_bp)) },
            ],
          })}
        </Col>
        <Col xs={24} xl={12}>
          {card(t('membership.reports.renewals'), 'membership-report-renewals', r && {
            ...base,
            xAxis: axis(r.renewals.map((x) => x.month)),
            yAxis: [{ type: 'value', minInterval: 1 }, pctAxis],
            series: [
              { name: t('membership.reports.due'), type: 'bar', data: r.renewals.map((x) => x.due), itemStyle: { color: '#d9d9d9' } },
              { name: t('membership.reports.renewed'), type: 'bar', data: r.renewals.map((x) => x.renewed), itemStyle: { color: '#389e0d' } },
              { name: t('membership.reports.rate'), type: 'line', yAxisIndex: 1, data: r.renewals.map((x) => percent(x.rate_bp)) },
            ],
          })}
        </Col>
        <Col xs={24} xl={12}>
          {card(t('membership.reports.churn'), 'membership-report-churn', r && {
            ...base,
            grid: { ...base.grid, right: 16 },
            xAxis: axis(monthsOf(r.churn).length ? monthsOf(r.churn) : r.ratio.map((x) => x.month)),
            yAxis: { type: 'value', minInterval: 1 },
            series: plans.map(([id, name]) => ({ name, type: 'bar', stack: 'churn', data: r.churn.filter((c) => c.plan_id === id).map((c) => c.churned) })),
          })}
        </Col>
        {r?.coupons && (
          <Col xs={24}>
            <Card title={t('membership.reports.coupons')} size="small">
              <Suspense fallback={<Spin />}>
                <Chart
                  testId="membership-report-coupons"
                  height={280}
                  option={{
                    ...base,
                    grid: { ...base.grid, right: 16 },
                    xAxis: axis(monthsOf(r.coupons).length ? monthsOf(r.coupons) : r.ratio.map((x) => x.month)),
                    yAxis: { type: 'value', name: t('membership.reports.yuan') },
                    series: templates.map(([id, name]) => ({ name, type: 'bar', stack: 'revenue', data: r.coupons!.filter((c) => c.template_id === id).map((c) => yuan(c.revenue_influenced_fen)) })),
                  }}
                />
              </Suspense>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                style={{ marginTop: 12 }}
                dataSource={templates.map(([id, name]) => {
                  const rows = r.coupons!.filter((c) => c.template_id === id);
                  const sum = (k: 'issued' | 'redeemed' | 'discount_fen' | 'revenue_influenced_fen') => rows.reduce((s, c) => s + c[k], 0);
                  return { id, name, issued: sum('issued'), redeemed: sum('redeemed'), discount: sum('discount_fen'), revenue: sum('revenue_influenced_fen') };
                })}
                columns={[
                  { title: t('membership.reports.template'), dataIndex: 'name' },
                  { title: t('membership.reports.issued'), dataIndex: 'issued', align: 'right' },
                  { title: t('membership.reports.redeemed'), dataIndex: 'redeemed', align: 'right' },
                  { title: t('membership.reports.discount'), dataIndex: 'discount', align: 'right', render: formatFen },
                  { title: t('membership.reports.revenueInfluenced'), dataIndex: 'revenue', align: 'right', render: formatFen },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </Card>
  );
}
