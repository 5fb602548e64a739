import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { MemberDay, MemberDayStats } from '@hearth/contracts/member-days';
import { api, query } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { MemberDayForm, scheduleText } from './MemberDayForm.tsx';
import { EligibilityTags } from './scarce-shared.tsx';

const Chart = lazy(() => import('./Chart.tsx'));
const times = (bp: number) => `×${bp / 10000}`;

/** 会员日: the programs, their next dates, and each one's results against ordinary days. */
export function MemberDaysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('member_days:manage');
  const [days, setDays] = useState<MemberDay[] | null>(null);
  const [form, setForm] = useState<{ editing: MemberDay | null } | null>(null);
  const [open, setOpen] = useState<MemberDay | null>(null);
  const load = useCallback(() => void api<{ data: MemberDay[] }>('/member-days').then((r) => setDays(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);

  return (
    <Card
      title={t('memberDays.title')}
      data-testid="member-days"
      extra={writable && <Button type="primary" icon={<PlusOutlined />} data-testid="member-day-create" onClick={() => setForm({ editing: null })}>{t('memberDays.create')}</Button>}
    >
      <Table<MemberDay>
        rowKey="id"
        loading={!days}
        dataSource={days ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('memberDays.empty')} /> }}
        onRow={(d) => ({ onClick: () => setOpen(d), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('memberDays.name'), dataIndex: 'name', render: (name: string, d) => <Space>{name}{!d.active && <Tag>{t('memberDays.status.off')}</Tag>}</Space> },
          { title: t('memberDays.schedule'), render: (_, d) => scheduleText(t, d.schedule) },
          { title: t('memberDays.nextDay'), dataIndex: 'next_day', render: (v: string | null) => v ?? '—' },
          { title: t('memberDays.multiplier'), dataIndex: 'points_multiplier_bp', render: (bp: number) => (bp > 10000 ? <Tag color="orange">{times(bp)}</Tag> : '—') },
          { title: t('memberDays.couponPack'), render: (_, d) => d.coupon_pack.length || '—' },
          { title: t('memberDays.eligibility'), render: (_, d) => <EligibilityTags value={d.eligibility} /> },
          {
            title: t('common.actions'),
            render: (_, d) => (
              <Space onClick={(e) => e.stopPropagation()}>
                {writable && <Button size="small" onClick={() => setForm({ editing: d })}>{t('common.edit')}</Button>}
                <Button size="small" onClick={() => setOpen(d)}>{t('memberDays.stats')}</Button>
              </Space>
            ),
          },
        ]}
      />
      <MemberDayForm open={form !== null} editing={form?.editing ?? null} onClose={() => setForm(null)} onSaved={() => { setForm(null); load(); }} />
      <MemberDayDrawer day={open} onClose={() => setOpen(null)} />
    </Card>
  );
}

function MemberDayDrawer({ day, onClose }: { day: MemberDay | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [upcoming, setUpcoming] = useState<{ day: string; started: boolean }[] | null>(null);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(89, 'day'), dayjs()]);
  const [stats, setStats] = useState<MemberDayStats | null>(null);
  useEffect(() => {
    if (!day) return;
    setUpcoming(null);
    void api<{ data: { day: string; started: boolean }[] }>(`/member-days/${day.id}/occurrences?limit=8`).then((r) => setUpcoming(r.data), (e: Error) => message.error(e.message));
  }, [day, message]);
  useEffect(() => {
    if (!day) return;
    setStats(null);
    void api<MemberDayStats>(`/member-days/${day.id}/stats${query({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })}`).then(setStats, (e: Error) => message.error(e.message));
  }, [day, range, message]);

  const lift = (bp: number | null) => (bp === null ? '—' : <Typography.Text type={bp >= 0 ? 'success' : 'danger'}>{`${bp >= 0 ? '+' : ''}${(bp / 100).toFixed(1)}%`}</Typography.Text>);
  const option = stats && stats.member_days.length
    ? {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 60, right: 20, top: 30, bottom: 60 },
        xAxis: { type: 'category', data: stats.member_days.map((d) => d.day) },
        yAxis: { type: 'value', name: '¥' },
        series: [
          { name: t('memberDays.revenue'), type: 'bar', barMaxWidth: 48, data: stats.member_days.map((d) => d.revenue_fen / 100) },
          { name: t('memberDays.ordinaryAvg', { days: stats.ordinary_average.days }), type: 'line', data: stats.member_days.map(() => stats.ordinary_average.revenue_fen / 100) },
        ],
      }
    : null;
  return (
    <Drawer open={day !== null} onClose={onClose} width={760} title={day?.name} destroyOnHidden>
      {day && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('memberDays.schedule')}>{scheduleText(t, day.schedule)}</Descriptions.Item>
            <Descriptions.Item label={t('memberDays.multiplier')}>{times(day.points_multiplier_bp)}</Descriptions.Item>
            <Descriptions.Item label={t('memberDays.startDate')}>{day.start_date}</Descriptions.Item>
            <Descriptions.Item label={t('memberDays.endDate')}>{day.end_date ?? t('memberDays.openEnded')}</Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('memberDays.upcoming')}</Typography.Title>
            <div data-testid="member-day-upcoming">{upcoming === null ? <Spin size="small" /> : upcoming.map((o) => <Tag key={o.day} color={o.started ? 'orange' : undefined}>{o.day}{o.started ? ` · ${t('memberDays.started')}` : ''}</Tag>)}</div>
          </div>
          <div>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Title level={5}>{t('memberDays.statsTitle')}</Typography.Title>
              <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
            </Space>
            {!stats ? (
              <Spin />
            ) : (
              <>
                <Suspense fallback={<Spin />}>{option ? <Chart option={option} height={260} testId="member-day-chart" /> : <Empty description={t('memberDays.noDays')} />}</Suspense>
                <Table
                  size="small"
                  rowKey="key"
                  pagination={false}
                  data-testid="member-day-stats"
                  dataSource={[
                    ...stats.member_days.map((d) => ({ key: d.day, label: d.day, ...d, lift: null as null | MemberDayStats['lift_bp'] })),
                    { key: 'md', label: t('memberDays.memberDayAvg'), ...stats.member_day_average, lift: null },
                    { key: 'ord', label: t('memberDays.ordinaryAvg', { days: stats.ordinary_average.days }), ...stats.ordinary_average, lift: null },
                    { key: 'lift', label: t('memberDays.lift'), orders: 0, revenue_fen: 0, members: 0, new_paid_members: 0, lift: stats.lift_bp },
                  ]}
                  columns={[
                    { title: t('memberDays.day_'), dataIndex: 'label' },
                    { title: t('memberDays.orders'), align: 'right', render: (_, r) => (r.lift ? lift(r.lift.orders) : r.orders) },
                    { title: t('memberDays.revenue'), align: 'right', render: (_, r) => (r.lift ? lift(r.lift.revenue_fen) : formatFen(r.revenue_fen)) },
                    { title: t('memberDays.members'), align: 'right', render: (_, r) => (r.lift ? lift(r.lift.members) : r.members) },
                    { title: t('memberDays.newPaid'), align: 'right', render: (_, r) => (r.lift ? lift(r.lift.new_paid_members) : r.new_paid_members) },
                  ]}
                />
              </>
            )}
          </div>
        </Space>
      )}
    </Drawer>
  );
}
