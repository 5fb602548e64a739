import { useState } from 'react';
import { Button, Dialog, Form, Input, NavBar, Selector, Tag, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MyEvent, Registration } from '@hearth/contracts/events';
import { api, fen } from '../api.ts';
import { inWechat } from '../brand.ts';
import { problemText } from '../problem-text.ts';
import { useLoad, usePagedLoad } from '../use-load.ts';
import { requestWechatPay } from '../wechat-pay.ts';
import { formatInZone } from '../dates.ts';

const live = ['pending_payment', 'registered', 'waitlisted'];

/** 活动: the brand's upcoming events with my price and whether I registered. */
export function EventsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const events = usePagedLoad<MyEvent>('/me/events');
  return (
    <main>
      <NavBar onBack={() => navigate('/')} right={<button type="button" className="link-button" onClick={() => navigate('/tickets')} data-testid="my-tickets">{t('events.myTickets')}</button>}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('events.title')}</h1>
      </NavBar>
      <div className="page-body">
        {events.error}
        {events.items?.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('events.none')}</div>}
        {events.items?.map((e) => (
          <article key={e.id} className="card" role="button" tabIndex={0} onClick={() => navigate(`/events/${e.id}`)} data-testid="event-item" aria-label={e.title}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <h2>{e.title}</h2>
              {e.my_registration && live.includes(e.my_registration.status) && <Tag color="primary">{t(`events.status.${e.my_registration.status}`)}</Tag>}
            </div>
            <EventFacts event={e} />
          </article>
        ))}
        {events.hasMore && <Button block onClick={() => void events.loadMore()} data-testid="events-more">{t('events.more')}</Button>}
      </div>
    </main>
  );
}

function EventFacts({ event }: { event: MyEvent }) {
  const { t } = useTranslation();
  const when = `${formatInZone(event.starts_at, { month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' })} – ${formatInZone(event.ends_at, { hour: '2-digit', minute: '2-digit' })}`;
  return (
    <div className="muted" style={{ lineHeight: 1.8 }}>
      <div>{when}</div>
      <div>{event.location.kind === 'store' ? `${event.location.store_name ?? ''}${event.location.address_note ? ` · ${event.location.address_note}` : ''}` : t('events.online')}</div>
      <div>
        <strong style={{ color: '#c2410c' }}>{priceText(t, event.price.kind, event.my_price.amount)}</strong>
        {event.my_price.source && event.my_price.source !== 'list' && <span> · {t('events.memberPrice')}</span>}
        <span> · {event.seats_left > 0 ? t('events.seatsLeft', { count: event.seats_left }) : event.waitlist ? t('events.fullWaitlist') : t('events.full')}</span>
      </div>
    </div>
  );
}

export function priceText(t: TFunction, kind: string, amount: number) {
  if (kind === 'free' || amount === 0) return t('events.free');
  return kind === 'fen' ? fen(amount) : t('events.points', { count: amount });
}

/** One event: what, when, where, and registration with the event's questions. */
export function EventDetailPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id } = useParams();
  const event = useLoad<MyEvent>(`/me/events/${id}`);
  const [form] = Form.useForm<Record<string, string | string[]>>();
  const [busy, setBusy] = useState(false);
  const e = event.data;
  const mine = e?.my_registration && live.includes(e.my_registration.status) ? e.my_registration : null;

  const register = async () => {
    if (!e) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const answers = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? '') : v]));
    // Inside WeChat, after a WeChat sign-in, a ticket in fen is paid with WeChat Pay; elsewhere at the counter.
    const wechat = e.price.kind === 'fen' && e.my_price.amount > 0 && inWechat && e.wechat_pay;
    if (e.my_price.amount > 0) {
      const ok = await Dialog.confirm({ content: t(e.price.kind === 'points' ? 'events.confirmPoints' : wechat ? 'events.confirmWechat' : 'events.confirmFen', { price: priceText(t, e.price.kind, e.my_price.amount) }), confirmText: t('common.confirm'), cancelText: t('common.cancel') });
      if (!ok) return;
    }
    setBusy(true);
    try {
      const registration = await api<Registration>(`/me/events/${e.id}/registrations`, { method: 'POST', body: { answers, provider: wechat ? 'wechat' : 'offline' } });
      // The ticket page tells how the payment went and waits for WeChat Pay's word.
      const payment = registration.pay_params ? await requestWechatPay(registration.pay_params) : undefined;
      navigate(`/tickets/${registration.id}`, { state: payment ? { payment } : undefined });
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'events') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <NavBar onBack={() => navigate('/events')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('events.detail')}</h1>
      </NavBar>
      <div className="page-body">
        {event.error}
        {e && (
          <>
            <section className="card" aria-label={e.title}>
              <h2 style={{ fontSize: 18 }}>{e.title}</h2>
              <EventFacts event={e} />
              {e.location.kind === 'online' && mine?.status === 'registered' && e.location.url && <a href={e.location.url} className="muted">{t('events.join')}</a>}
              {e.description && <p style={{ whiteSpace: 'pre-wrap', lineHeight: 1.7, fontSize: 14 }}>{e.description}</p>}
              <div className="muted">{t('events.cancelUntil', { date: formatInZone(e.cancel_deadline, { dateStyle: 'medium', timeStyle: 'short' }) })}</div>
            </section>
            {mine ? (
              <Button block color="primary" onClick={() => navigate(`/tickets/${mine.id}`)} data-testid="event-view-ticket">{t('events.viewTicket')}</Button>
            ) : e.status === 'published' ? (
              <section className="card">
                <Form form={form} layout="vertical" mode="card" footer={<Button block color="primary" loading={busy} onClick={() => void register()} data-testid="event-register">{e.seats_left > 0 ? t('events.register') : t('events.joinWaitlist')}</Button>}>
                  {e.questions.map((q) => (
                    <Form.Item key={q.id} name={q.id} label={q.label} rules={q.required ? [{ required: true, message: t('events.required') }] : []}>
                      {q.kind === 'choice' ? <Selector options={(q.options ?? []).map((o) => ({ label: o, value: o }))} /> : <Input placeholder={q.label} data-testid={`answer-${q.id}`} />}
                    </Form.Item>
                  ))}
                </Form>
              </section>
            ) : (
              <div className="card warning">{t(`events.eventStatus.${e.status}`)}</div>
            )}
          </>
        )}
      </div>
    </main>
  );
}
