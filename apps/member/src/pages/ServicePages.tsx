import { useState } from 'react';
import { Button, NavBar, Rate, Steps, Tag, TextArea, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ticketDetailSchema, ticketSchema } from '@hearth/contracts/service';
import { api } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

export type Ticket = z.infer<typeof ticketSchema>;
type TicketDetail = z.infer<typeof ticketDetailSchema>;

const statusColor = (status: Ticket['status']) => (status === 'closed' || status === 'resolved' ? 'success' : status === 'rejected' ? 'default' : 'primary');
const open = (status: Ticket['status']) => status !== 'closed' && status !== 'rejected';

/** 售后服务: my tickets, newest first, with where each stands. */
export function ServicePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const tickets = useLoad<{ data: Ticket[] }>('/me/service-tickets');
  return (
    <main>
      <NavBar onBack={() => navigate('/')} right={<Button size="mini" color="primary" onClick={() => navigate('/service/new')} data-testid="service-new">{t('service.new')}</Button>}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('service.title')}</h1>
      </NavBar>
      <div className="page-body">
        {tickets.error}
        {tickets.data?.data.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('service.none')}</div>}
        {tickets.data?.data.map((ticket) => (
          <button key={ticket.id} type="button" className="card" data-testid="service-ticket" onClick={() => navigate(`/service/${ticket.id}`)} style={{ display: 'block', width: '100%', textAlign: 'left', border: 0, fontFamily: 'inherit', fontSize: 15 }}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <strong>{ticket.subject}</strong>
              <Tag color={statusColor(ticket.status)}>{t(`service.status.${ticket.status}`)}</Tag>
            </div>
            <div className="muted" style={{ marginTop: 4 }}>{t(`service.type.${ticket.type}`)} · {date(ticket.created_at)}</div>
          </button>
        ))}
      </div>
    </main>
  );
}

/** One ticket: its progress, the conversation with the desk, a comment box while open, the survey once closed. */
export function ServiceTicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const ticket = useLoad<TicketDetail>(`/me/service-tickets/${id}`);
  const d = ticket.data;
  return (
    <main>
      <NavBar onBack={() => navigate('/service')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('service.detail')}</h1>
      </NavBar>
      <div className="page-body">
        {ticket.error}
        {d && (
          <>
            <section className="card" data-testid="service-detail">
              <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                <h2 style={{ margin: 0 }}>{d.subject}</h2>
                <Tag color={statusColor(d.status)}>{t(`service.status.${d.status}`)}</Tag>
              </div>
              <div className="muted" style={{ margin: '4px 0 8px' }}>{t(`service.type.${d.type}`)} · {date(d.created_at)}{d.code && ` · ${d.code}`}</div>
              {d.description && <p style={{ whiteSpace: 'pre-wrap' }}>{d.description}</p>}
              <Attachments urls={d.attachments} />
              {d.status === 'submitted' && <div className="muted">{t('service.acceptBy', { date: date(d.accept_due_at) })}</div>}
              {(d.status === 'accepted' || d.status === 'in_progress') && <div className="muted">{t('service.resolveBy', { date: date(d.resolve_due_at) })}</div>}
              {d.refund_id && <div className="muted">{t('service.refunded')}</div>}
            </section>
            <section className="card" aria-labelledby="service-history">
              <h2 id="service-history">{t('service.history')}</h2>
              <Steps direction="vertical" current={d.history.length - 1}>
                {d.history.map((h) => (
                  <Steps.Step key={`${h.to}-${h.at}`} title={t(`service.status.${h.to}`, { defaultValue: h.to })} description={`${date(h.at)}${h.note ? ` · ${h.note}` : ''}`} />
                ))}
              </Steps>
            </section>
            <Comments ticket={d} onChange={() => void ticket.reload()} />
            {d.status === 'closed' && <Survey ticket={d} onDone={() => void ticket.reload()} />}
          </>
        )}
      </div>
    </main>
  );
}

function Attachments({ urls }: { urls: string[] }) {
  if (!urls.length) return null;
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, margin: '6px 0' }}>
      {urls.map((url) => (
        <a key={url} href={url} target="_blank" rel="noreferrer">
          <img src={url} alt="" loading="lazy" style={{ width: 72, height: 72, objectFit: 'cover', borderRadius: 6, background: '#f5f5f5' }} />
        </a>
      ))}
    </div>
  );
}

export const urlLines = (text: string) => text.split('\n').map((u) => u.trim()).filter(Boolean);

function Comments({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const { t } = useTranslation();
  const date = useDateTime();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  async function send() {
    setBusy(true);
    try {
      await api(`/me/service-tickets/${ticket.id}/comments`, { method: 'POST', body: { body } });
      setBody('');
      Toast.show({ content: t('service.sent') });
      onChange();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'service') });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="service-comments">
      <h2 id="service-comments">{t('service.comments')}</h2>
      {ticket.comments.length === 0 && <div className="muted">{t('service.noComments')}</div>}
      {ticket.comments.map((c) => (
        <div key={c.id} data-testid="service-comment" style={{ padding: '8px 0', borderTop: '1px solid #f0f0f0', textAlign: c.author_type === 'member' ? 'right' : 'left' }}>
          <div className="muted">{c.author_type === 'member' ? t('service.you') : t('service.staff')} · {date(c.created_at)}</div>
          <div style={{ whiteSpace: 'pre-wrap' }}>{c.body}</div>
          <Attachments urls={c.attachments} />
        </div>
      ))}
      {open(ticket.status) && (
        <>
          <TextArea value={body} onChange={setBody} placeholder={t('service.commentPlaceholder')} aria-label={t('service.addComment')} maxLength={2000} autoSize={{ minRows: 2 }} data-testid="service-comment-body" />
          <Button block color="primary" fill="outline" loading={busy} disabled={!body.trim()} onClick={send} style={{ marginTop: 8 }} data-testid="service-comment-send">{t('service.send')}</Button>
        </>
      )}
    </section>
  );
}

function Survey({ ticket, onDone }: { ticket: TicketDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  if (ticket.satisfaction) return <section className="card muted" data-testid="service-rated">{t('service.rated', { score: ticket.satisfaction.score })}{ticket.satisfaction.comment && ` · ${ticket.satisfaction.comment}`}</section>;
  async function submit() {
    setBusy(true);
    try {
      await api(`/me/service-tickets/${ticket.id}/survey`, { method: 'POST', body: { score, comment } });
      Toast.show({ icon: 'success', content: t('service.surveyThanks') });
      onDone();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'service') });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="service-survey" data-testid="service-survey">
      <h2 id="service-survey">{t('service.survey')}</h2>
      <div className="muted">{t('service.surveyHint')}</div>
      <Rate value={score} onChange={setScore} style={{ margin: '8px 0' }} />
      <TextArea value={comment} onChange={setComment} placeholder={t('service.surveyComment')} aria-label={t('service.surveyComment')} maxLength={500} autoSize={{ minRows: 2 }} />
      <Button block color="primary" loading={busy} disabled={score < 1} onClick={submit} style={{ marginTop: 8 }}>{t('service.surveySubmit')}</Button>
    </section>
  );
}
