import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { HearthEvent, ListedRegistration } from '@hearth/contracts/events';
import { api, type Page } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { eventErrorText } from './event-shared.ts';
import { MemberLink } from './growth-shared.tsx';

const statusColor = { pending_payment: 'orange', registered: 'green', waitlisted: 'blue', canceled: 'default', expired: 'default' } as const;

/** 报名: one event's registrations and waitlist; staff register a member, confirm a counter payment, cancel. */
export function EventRegistrationsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const eventId = params.get('event') ?? undefined;
  const [events, setEvents] = useState<HearthEvent[]>([]);
  const [rows, setRows] = useState<ListedRegistration[] | null>(null);
  const [memberId, setMemberId] = useState('');
  useEffect(() => void api<{ data: HearthEvent[] }>('/events/sessions?limit=200').then((r) => setEvents(r.data), () => undefined), []);
  const load = useCallback(() => {
    if (!eventId) return setRows([]);
    setRows(null);
    void api<Page<ListedRegistration>>(`/events/sessions/${eventId}/registrations?limit=500`).then((p) => setRows(p.data), (e: Error) => message.error(e.message));
  }, [eventId, message]);
  useEffect(load, [load]);
  const run = (work: Promise<unknown>) => work.then(() => { message.success(t('common.saved')); load(); }, (e) => message.error(eventErrorText(t, e)));
  const event = events.find((e) => e.id === eventId);

  return (
    <Card title={t('events.reg.title')} data-testid="event-registrations">
      <Space wrap style={{ marginBottom: 16 }}>
        <Select style={{ width: 360 }} placeholder={t('events.reg.pickEvent')} value={eventId} onChange={(id: string) => setParams({ event: id })} options={events.map((e) => ({ value: e.id, label: `${e.title} · ${formatTime(e.starts_at).slice(0, 16)}` }))} />
        {event && <Typography.Text type="secondary">{event.seats_taken} / {event.capacity} · {t('events.field.waitlist')} {event.waitlisted}</Typography.Text>}
        {eventId && can('events:register') && (
          <Space.Compact>
            <Input style={{ width: 320 }} placeholder={t('events.reg.memberId')} value={memberId} onChange={(e) => setMemberId(e.target.value.trim())} />
            <Button type="primary" disabled={!memberId} onClick={() => void run(api(`/events/sessions/${eventId}/registrations`, { method: 'POST', idempotent: true, body: { member_id: memberId, answers: {} } }))}>{t('events.reg.registerMember')}</Button>
          </Space.Compact>
        )}
      </Space>
      <Table<ListedRegistration>
        rowKey="id"
        loading={!rows}
        dataSource={rows ?? []}
        pagination={{ pageSize: 50 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.reg.empty')} /> }}
        columns={[
          { title: t('events.reg.member'), render: (_, r) => <MemberLink id={r.member_id} no={r.member_no} /> },
          { title: t('events.reg.status'), render: (_, r) => <Space><Tag color={statusColor[r.status]}>{t(`events.reg.statuses.${r.status}`)}</Tag>{r.no_show && <Tag color="red">{t('events.reg.noShow')}</Tag>}</Space> },
          { title: t('events.reg.position'), align: 'right', render: (_, r) => r.waitlist_position ?? '—' },
          { title: t('events.reg.amount'), align: 'right', render: (_, r) => (r.price_kind === 'fen' ? formatFen(r.amount_fen) : r.price_kind === 'points' ? `${r.points} ${t('events.field.points')}` : t('events.field.free')) },
          { title: t('events.reg.answers'), render: (_, r) => Object.keys(r.answers).length ? <Tooltip title={Object.entries(r.answers).map(([k, v]) => `${k}: ${v}`).join('\n')}><Typography.Text ellipsis style={{ maxWidth: 160 }}>{Object.values(r.answers).join(' / ')}</Typography.Text></Tooltip> : '—' },
          { title: t('events.reg.checkedIn'), render: (_, r) => formatTime(r.checked_in_at) },
          {
            title: '',
            render: (_, r) => can('events:register') && (
              <Space>
                {r.status === 'pending_payment' && r.price_kind === 'fen' && <Button size="small" type="primary" onClick={() => void run(api(`/events/registrations/${r.id}/confirm-payment`, { method: 'POST' }))}>{t('events.reg.confirmPayment')}</Button>}
                {['pending_payment', 'registered', 'waitlisted'].includes(r.status) && (
                  <Popconfirm title={t('events.reg.cancelConfirm')} onConfirm={() => run(api(`/events/registrations/${r.id}/cancel`, { method: 'POST', body: { reason: 'console' } }))}>
                    <Button size="small" danger>{t('events.reg.cancel')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
