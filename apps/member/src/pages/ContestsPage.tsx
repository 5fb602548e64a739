import { useState } from 'react';
import { Button, Input, NavBar, Tag, TextArea, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { Contest, entrySchema, voteResultSchema } from '@hearth/contracts/contests';
import { api } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

type PublicEntry = Omit<z.infer<typeof entrySchema>, 'jury_score' | 'reject_reason'>;
type Phase = 'upcoming' | 'submitting' | 'between' | 'voting' | 'ended';

/** The two windows may overlap (a brand can take entries and votes at once), so each is open or not on its own. */
function windowsOf(c: Contest, now = Date.now()): { submitting: boolean; voting: boolean; phase: Phase } {
  const submitting = now >= Date.parse(c.submit_from) && now < Date.parse(c.submit_until);
  const voting = now >= Date.parse(c.vote_from) && now < Date.parse(c.vote_until);
  const phase: Phase = voting ? 'voting' : submitting ? 'submitting' : now < Date.parse(c.submit_from) ? 'upcoming' : now < Date.parse(c.vote_from) ? 'between' : 'ended';
  return { submitting, voting, phase };
}

/** 评选大赛: the brand's contests with where each stands. */
export function ContestsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const contests = useLoad<{ data: Contest[] }>('/me/contests');
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('contests.title')}</h1>
      </NavBar>
      <div className="page-body">
        {contests.error}
        {contests.data && !contests.data.data.length && <div className="card muted">{t('contests.none')}</div>}
        {contests.data?.data.map((c) => {
          const { phase } = windowsOf(c);
          return (
            <button key={c.id} type="button" className="card" style={{ display: 'block', width: '100%', textAlign: 'left', marginBottom: 12 }} onClick={() => navigate(`/contests/${c.id}`)} data-testid="contest">
              <h2 style={{ margin: '0 0 4px' }}>{c.title}</h2>
              <Tag color={phase === 'ended' ? 'default' : 'primary'}>{t(`contests.phase.${phase}`)}</Tag>
              <div className="muted" style={{ marginTop: 6 }}>{phase === 'submitting' || phase === 'upcoming' ? t('contests.submitUntil', { date: date(c.submit_until) }) : t('contests.voteUntil', { date: date(c.vote_until) })}</div>
            </button>
          );
        })}
      </div>
    </main>
  );
}

/** One contest: approved entries with their votes, voting and sharing while voting is open, and entering while entries are taken. */
export function ContestPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const contests = useLoad<{ data: Contest[] }>('/me/contests');
  const entries = useLoad<{ data: PublicEntry[] }>(`/me/contests/${id}/entries`);
  const contest = contests.data?.data.find((c) => c.id === id);
  const open = contest && windowsOf(contest);

  async function vote(entryId: string) {
    try {
      const result = await api<z.infer<typeof voteResultSchema>>(`/me/contests/entries/${entryId}/votes`, { method: 'POST' });
      Toast.show({ icon: 'success', content: t('contests.voted', { today: result.left_today }) });
      await entries.reload();
    } catch (err) {
      Toast.show({ content: problemText(t, err) });
    }
  }
  async function share(entryId: string) {
    try {
      // One share id per tap: the server counts a share once per id, so a retried request is not a second share.
      await api(`/me/contests/entries/${entryId}/shares`, { method: 'POST', body: { share_id: crypto.randomUUID(), channel: 'member_center' } });
      Toast.show({ content: t('contests.shared') });
    } catch (err) {
      Toast.show({ content: problemText(t, err) });
    }
  }

  return (
    <main>
      <NavBar onBack={() => navigate('/contests')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{contest?.title ?? t('contests.title')}</h1>
      </NavBar>
      <div className="page-body">
        {contests.error}
        {entries.error}
        {contest && (
          <section className="card" style={{ marginBottom: 12 }}>
            <Tag color="primary">{t(`contests.phase.${open?.phase}`)}</Tag>
            {contest.description && <p>{contest.description}</p>}
            <div className="muted">{t('contests.submitUntil', { date: date(contest.submit_until) })}</div>
            <div className="muted">{t('contests.voteUntil', { date: date(contest.vote_until) })} · {t('contests.limits', { day: contest.votes_per_day, total: contest.votes_total })}</div>
          </section>
        )}
        {open?.submitting && <EntryForm contestId={id} />}
        <h2 style={{ fontSize: 16 }}>{t('contests.entries')}</h2>
        {entries.data && !entries.data.data.length && <div className="card muted">{t('contests.noEntries')}</div>}
        {entries.data?.data.map((e) => (
          <article key={e.id} className="card" style={{ marginBottom: 12 }} data-testid="contest-entry">
            <h3 style={{ margin: '0 0 4px' }}>{e.title}</h3>
            {e.text && <p style={{ whiteSpace: 'pre-wrap' }}>{e.text}</p>}
            {e.image_urls.map((url) => <img key={url} src={url} alt="" loading="lazy" style={{ maxWidth: '100%', borderRadius: 8, marginBottom: 6 }} />)}
            <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <strong>{t('contests.votes', { n: e.votes })}</strong>
              <span style={{ flex: 1 }} />
              <Button size="small" onClick={() => share(e.id)}>{t('contests.share')}</Button>
              {open?.voting && <Button size="small" color="primary" onClick={() => vote(e.id)} data-testid="contest-vote">{t('contests.vote')}</Button>}
            </div>
          </article>
        ))}
      </div>
    </main>
  );
}

function EntryForm({ contestId }: { contestId: string }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [urls, setUrls] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit() {
    setBusy(true);
    try {
      const image_urls = urls.split('\n').map((u) => u.trim()).filter(Boolean);
      await api(`/me/contests/${contestId}/entries`, { method: 'POST', body: { title, text, image_urls } });
      Toast.show({ icon: 'success', content: t('contests.submitted') });
      setTitle('');
      setText('');
      setUrls('');
    } catch (err) {
      Toast.show({ content: problemText(t, err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" style={{ marginBottom: 12 }} aria-labelledby="contest-enter">
      <h2 id="contest-enter" style={{ fontSize: 16, marginTop: 0 }}>{t('contests.enter')}</h2>
      <Input data-testid="contest-entry-title" placeholder={t('contests.entryTitle')} value={title} onChange={setTitle} maxLength={100} aria-label={t('contests.entryTitle')} />
      <TextArea placeholder={t('contests.entryText')} value={text} onChange={setText} maxLength={5000} autoSize={{ minRows: 3 }} aria-label={t('contests.entryText')} />
      <TextArea placeholder={t('contests.imageUrls')} value={urls} onChange={setUrls} autoSize={{ minRows: 2 }} aria-label={t('contests.imageUrls')} />
      <Button block color="primary" loading={busy} data-testid="contest-submit" disabled={!title.trim()} onClick={submit} style={{ marginTop: 8 }}>{t('contests.submit')}</Button>
    </section>
  );
}
