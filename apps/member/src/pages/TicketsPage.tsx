import { useEffect, useState } from 'react';
import { Button, Dialog, NavBar, Tag, TextArea, Toast } from 'antd-mobile';
import QRCode from 'qrcode';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MyEvent, Registration } from '@hearth/contracts/events';
import { api } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { inWechat } from '../brand.ts';
import { problemText } from '../problem-text.ts';
import type { WechatPayOutcome } from '../wechat-pay.ts';
import { priceText } from './EventsPage.tsx';
import { TicketPayment } from './TicketPayment.tsx';
import { formatInZone } from '../dates.ts';

type MyRegistration = Registration & { event: Omit<MyEvent, 'my_price' | 'my_registration' | 'wechat_pay'>; wechat_pay: boolean };

/** 我的活动: my registrations and tickets, newest first. */
export function TicketsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useLoad<{ data: MyRegistration[] }>('/me/event-registrations?limit=100');
  return (
    <main>
      <NavBar onBack={() => navigate('/events')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('events.myTickets')}</h1>
      </NavBar>
      <div className="page-body">
        {list.error}
        {list.data?.data.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('events.noTickets')}</div>}
        {[...(list.data?.data ?? [])].reverse().map((r) => (
          <article key={r.id} className="card" role="button" tabIndex={0} onClick={() => navigate(`/tickets/${r.id}`)} data-testid="ticket-item" aria-label={r.event.title}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <h2>{r.event.title}</h2>
              <Tag color={r.status === 'registered' ? 'success' : r.status === 'canceled' || r.status === 'expired' ? 'default' : 'warning'}>{t(`events.status.${r.status}`)}</Tag>
            </div>
            <div className="muted">{formatInZone(r.event.starts_at, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}</div>
          </article>
        ))}
      </div>
    </main>
  );
}

/** One ticket: the QR staff scan at the door, or where the registration stands; cancel; feedback afterwards. */
export function TicketPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id } = useParams();
  // How WeChat's payment sheet ended, when registering just opened it.
  const payment = (useLocation().state as { payment?: WechatPayOutcome } | null)?.payment;
  const ticket = useLoad<MyRegistration>(`/me/event-registrations/${id}`);
  const [qr, setQr] = useState<string>();
  const r = ticket.data;
  useEffect(() => {
    if (!r?.ticket_code) return setQr(undefined);
    // The bare code (QR alphanumeric mode), as the coupons' QR: the door accepts it with or without dashes.
    void QRCode.toString(r.ticket_code.replaceAll('-', ''), { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then((svg) => setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`));
  }, [r?.ticket_code]);

  const post = async (path: string, body: object) => {
    try {
      await api(`/me/event-registrations/${id}/${path}`, { method: 'POST', body });
      await ticket.reload();
      return true;
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'events') });
      return false;
    }
  };
  const cancel = async () => {
    if (!r) return;
    const refunded = Date.now() < Date.parse(r.event.cancel_deadline);
    const ok = await Dialog.confirm({ content: refunded ? t('events.cancelRefund') : t('events.cancelNoRefund'), confirmText: t('common.confirm'), cancelText: t('common.cancel') });
    if (ok) await post('cancel', { reason: '' });
  };

  return (
    <main>
      <NavBar onBack={() => navigate('/tickets')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('events.ticket')}</h1>
      </NavBar>
      <div className="page-body">
        {ticket.error}
        {r && (
          <>
            <section className="qr-box" aria-label={r.event.title} data-testid="ticket">
              <h2 style={{ margin: '0 0 4px', fontSize: 18 }}>{r.event.title}</h2>
              <div className="muted">{when(r.event.starts_at)}</div>
              <div style={{ margin: '8px 0' }}><Tag color={r.status === 'registered' ? 'success' : r.status === 'canceled' || r.status === 'expired' ? 'default' : 'warning'} data-testid="ticket-status">{t(`events.status.${r.status}`)}</Tag></div>
              {r.status === 'registered' && !r.checked_in_at && qr && <img src={qr} alt={t('events.qrLabel')} data-testid="ticket-qr" data-code={r.ticket_code ?? ''} />}
              {r.ticket_code && <div className="code-text" data-testid="ticket-code">{r.ticket_code}</div>}
              {r.status === 'registered' && !r.checked_in_at && <div className="muted">{t('events.showAtDoor')}</div>}
              {r.checked_in_at && <div className="muted" data-testid="ticket-checked-in">{t('events.checkedInAt', { date: when(r.checked_in_at) })}</div>}
              {r.status === 'waitlisted' && <div className="muted">{t('events.waitlistPosition', { position: r.waitlist_position })}</div>}
              {r.status === 'pending_payment' && r.price_kind === 'points' && (
                <div className="warning" style={{ marginTop: 8 }}>
                  {t('events.payPointsHint', { price: priceText(t, 'points', r.points) })}
                  {r.hold_expires_at && <div>{t('events.holdUntil', { date: when(r.hold_expires_at) })}</div>}
                  <Button size="small" color="primary" style={{ marginTop: 8 }} onClick={() => void post('pay', {})}>{t('events.payPoints')}</Button>
                </div>
              )}
              {r.status === 'pending_payment' && r.price_kind === 'fen' && <TicketPayment registration={r} wechat={inWechat && r.wechat_pay} payment={payment} when={when} reload={ticket.reload} />}
              {r.price_kind === 'fen' && r.paid_at && r.status !== 'expired' && <div className="muted" data-testid="ticket-paid">{t('events.paid', { amount: priceText(t, 'fen', r.amount_fen), date: when(r.paid_at) })}</div>}
              {r.status === 'expired' && <div className="warning" style={{ marginTop: 8 }} data-testid="ticket-expired">{r.refund_fen > 0 ? t('events.lateRefund', { amount: priceText(t, 'fen', r.refund_fen) }) : t('events.expired')}</div>}
              {r.refund_fen > 0 && r.status !== 'expired' && <div className="muted">{t('events.refunded', { amount: priceText(t, 'fen', r.refund_fen) })}</div>}
              {r.points_refunded > 0 && <div className="muted">{t('events.refunded', { amount: priceText(t, 'points', r.points_refunded) })}</div>}
            </section>
            {r.checked_in_at && !r.feedback_submitted && <FeedbackForm onSubmit={(body) => post('feedback', body)} />}
            {r.feedback_submitted && <div className="card muted" style={{ textAlign: 'center' }} data-testid="feedback-thanks">{t('events.feedbackThanks')}</div>}
            {['pending_payment', 'registered', 'waitlisted'].includes(r.status) && !r.checked_in_at && Date.now() < Date.parse(r.event.starts_at) && (
              <Button block fill="outline" color="danger" onClick={() => void cancel()} data-testid="ticket-cancel">{t('events.cancel')}</Button>
            )}
          </>
        )}
      </div>
    </main>
  );
}

const when = (iso: string) => formatInZone(iso, { dateStyle: 'medium', timeStyle: 'short' });

function FeedbackForm({ onSubmit }: { onSubmit: (body: { nps: number; rating: number; comment: string }) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [nps, setNps] = useState<number>();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (nps === undefined || rating < 1) return Toast.show({ content: t('events.feedbackIncomplete') });
    setBusy(true);
    if (await onSubmit({ nps, rating, comment })) Toast.show({ content: t('events.feedbackThanks') });
    setBusy(false);
  };
  return (
    <section className="card" aria-label={t('events.feedback')} data-testid="feedback-form">
      <h2>{t('events.feedback')}</h2>
      <div className="muted" style={{ marginBottom: 6 }}>{t('events.npsQuestion')}</div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(11, 1fr)', gap: 3 }} role="radiogroup" aria-label={t('events.npsQuestion')}>
        {Array.from({ length: 11 }, (_, i) => (
          <button key={i} type="button" role="radio" aria-checked={nps === i} className={nps === i ? 'nps active' : 'nps'} onClick={() => setNps(i)} data-testid={`nps-${i}`}>{i}</button>
        ))}
      </div>
      <div className="muted" style={{ margin: '12px 0 6px' }}>{t('events.ratingQuestion')}</div>
      <div role="radiogroup" aria-label={t('events.ratingQuestion')} style={{ display: 'flex', gap: 6 }}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" role="radio" aria-checked={rating === n} aria-label={String(n)} className={n <= rating ? 'star active' : 'star'} onClick={() => setRating(n)} data-testid={`rating-${n}`}>★</button>
        ))}
      </div>
      <TextArea style={{ marginTop: 12 }} placeholder={t('events.commentPlaceholder')} value={comment} onChange={setComment} maxLength={2000} rows={3} data-testid="feedback-comment" />
      <Button block color="primary" style={{ marginTop: 12 }} loading={busy} onClick={() => void submit()} data-testid="feedback-submit">{t('events.submitFeedback')}</Button>
    </section>
  );
}
