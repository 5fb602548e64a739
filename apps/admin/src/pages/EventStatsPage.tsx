import { useEffect, useState } from 'react';
import { App, Card, Col, DatePicker, Row, Statistic } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { eventStatsSchema } from '@hearth/contracts/events';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';

type Stats = z.infer<typeof eventStatsSchema>;

/** 活动统计: sessions, registrations, attendance, revenue, NPS and repeat attendees for a range of start dates. */
export function EventStatsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(3, 'month').startOf('day'), dayjs().add(3, 'month').endOf('day')]);
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    const query = new URLSearchParams({ from: range[0].toISOString(), to: range[1].toISOString() });
    void api<Stats>(`/events/stats?${query}`).then(setStats, (e: Error) => message.error(e.message));
  }, [range, message]);
  const pct = (bp: number | null) => (bp === null ? '—' : `${(bp / 100).toFixed(1)}%`);
  const cells: [string, string | number][] = stats
    ? [
        ['sessions', stats.sessions_held], ['registrations', stats.registrations], ['waitlisted', stats.waitlisted], ['canceled', stats.canceled],
        ['checkedIn', stats.checked_in], ['noShows', stats.no_shows], ['attendance', pct(stats.attendance_rate_bp)], ['revenue', formatFen(stats.revenue_fen)],
        ['pointsSpent', stats.points_spent], ['feedback', stats.feedback_count], ['nps', stats.nps ?? '—'], ['rating', stats.average_rating_x100 === null ? '—' : (stats.average_rating_x100 / 100).toFixed(2)],
        ['repeat', stats.repeat_attendees],
      ]
    : [];
  return (
    <Card title={t('events.stats.title')} data-testid="event-stats" extra={<DatePicker.RangePicker value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />}>
      <Row gutter={[16, 16]}>
        {cells.map(([key, value]) => (
          <Col key={key} xs={12} md={6}>
            <Card size="small"><Statistic title={t(`events.stats.${key}`)} value={value} /></Card>
          </Col>
        ))}
      </Row>
    </Card>
  );
}
