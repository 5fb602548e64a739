import { useEffect, useState } from 'react';
import { App, Button, Card, Empty, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { HearthEvent, ListedRegistration } from '@hearth/contracts/events';
import { api, type Page } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { eventErrorText } from './event-shared.ts';
import { MemberLink } from './growth-shared.tsx';
import { MemberSearchSelect } from './MemberSearchSelect.tsx';

const statusColor = { pending_payment: 'orange', registered: 'green', waitlisted: 'blue', canceled: 'default', expired: 'default' } as const;

/** 报名: one event's registrations and waitlist; staff register a member, confirm a counter payment, cancel. */
export function EventRegistrationsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const eventId = params.get('event') ?? undefined;
  const [event, setEvent] = useState<HearthEvent>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!eventId) return setEvent(undefined);
    void api<HearthEvent>(`/events/sessions/${eventId}`).then(setEvent, () => setEvent(undefined));
  }, [eventId, version]);

  return (
    <Card title={t('events.reg.title')} data-testid="event-registrations">
      <Space wrap style={{ marginBottom: 16 }}>
        <EventPicker value={eventId} current={event} onChange={(id) => setParams(id ? { event: id } : {})} />
        {event && <Typography.Text type="secondary">{event.seats_taken} / {event.capacity} · {t('events.field.waitlist')} {event.waitlisted}</Typography.Text>}
      </Space>
      {eventId && <Registrations key={eventId} eventId={eventId} onChanged={() => setVersion((v) => v + 1)} />}
    </Card>
  );
}

/** The event to manage, searched by title on the server (the newest twenty until something is typed). */
function EventPicker({ value, current, onChange }: { value?: string; current?: HearthEvent; onChange: (id?: string) => void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<HearthEvent[]>([]);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => void api<Page<HearthEvent>>(`/events/sessions?limit=20${typed ? `&q=${encodeURIComponent(typed)}` : ''}`).then((p) => setFound(p.data), () => setFound([])), typed ? 300 : 0);
    return () => clearTimeout(timer);
  }, [typed]);
  const label = (e: HearthEvent) => `${e.title} · ${formatTime(e.starts_at).slice(0, 16)}`;
  const options = [...(current && !found.some((e) => e.id === current.id) ? [current] : []), ...found].map((e) => ({ value: e.id, label: label(e) }));
  return (
    <Select showSearch filterOption={false} style={{ width: 360 }} placeholder={t('events.reg.pickEvent')} value={value} onChange={(id: string) => onChange(id)} onSearch={(text) => setTyped(text.trim().slice(0, 50))} options={options} data-testid="event-picker" />
  );
}

const registrationStatuses = Object.keys(statusColor) as (keyof typeof statusColor)[];

/** The registrations of one event, paged from the server, by status. */
function Registrations({ eventId, onChanged }: { eventId: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<string>();
  const list = useCursorList<ListedRegistration>(`/events/sessions/${eventId}/registrations`, { status }, 100);
  const [memberId, setMemberId] = useState<string>();
  const run = (work: Promise<unknown>) =>
    work.then(
      () => {
        message.success(t('common.saved'));
        void list.reload();
        onChanged();
      },
      (e) => message.error(eventErrorText(t, e)),
    );

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear style={{ width: 160 }} placeholder={t('events.reg.status')} value={status} onChange={(v?: string) => setStatus(v)} options={registrationStatuses.map((s) => ({ value: s, label: t(`events.reg.statuses.${s}`) }))} data-testid="registration-status" />
        {can('events:register') && (
          <Space.Compact>
            <MemberSearchSelect style={{ width: 320 }} value={memberId} onChange={setMemberId} />
            <Button type="primary" disabled={!memberId} onClick={() => void run(api(`/events/sessions/${eventId}/registrations`, { method: 'POST', idempotent: true, body: { member_id: memberId, answers: {} } })).then(() => setMemberId(undefined))}>{t('events.reg.registerMember')}</Button>
          </Space.Compact>
        )}
      </Space>
      <Table<ListedRegistration>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
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
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore} loading={list.loading} data-testid="registrations-load-more">{t('common.loadMore')}</Button>
        </div>
      )}
    </>
  );
}
