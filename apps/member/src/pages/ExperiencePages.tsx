import { useState } from 'react';
import { Button, Checkbox, Input, List, NavBar, Radio, Space, Tabs, Tag, TextArea, Toast } from 'antd-mobile';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { memberQualitySchema, myProgramSchema, Question } from '@hearth/contracts/experience';
import { api } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

export type MyProgram = z.infer<typeof myProgramSchema>;
export type MyApplication = NonNullable<MyProgram['my_application']>;
type MyApplications = { data: MyApplication[]; quality: z.infer<typeof memberQualitySchema> };

export const useDate = useDateTime;

export const errorText = (t: TFunction, err: unknown) => problemText(t, err, 'experience');

/** 体验官: programs open to me, and my applications with their status and my feedback-quality score. */
export function ExperiencePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'mine' ? 'mine' : 'programs';
  const programs = useLoad<{ data: MyProgram[] }>('/me/experience/programs');
  const mine = useLoad<MyApplications>('/me/experience/applications');
  const names = new Map(programs.data?.data.map((p) => [p.id, p.name]));
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('experience.title')}</h1>
      </NavBar>
      <Tabs activeKey={tab} onChange={(key) => setParams({ tab: key }, { replace: true })} style={{ background: '#fff' }}>
        <Tabs.Tab key="programs" title={t('experience.programs')} />
        <Tabs.Tab key="mine" title={<span data-testid="experience-tab-mine">{t('experience.mine')}</span>} />
      </Tabs>
      <div className="page-body">
        {programs.error}
        {tab === 'programs' && programs.data?.data.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('experience.none')}</div>}
        {tab === 'programs' &&
          programs.data?.data.map((p) => (
            <article key={p.id} className="card" data-testid="experience-program" onClick={() => navigate(`/experience/${p.id}`)} style={{ cursor: 'pointer' }}>
              <Space justify="between" style={{ width: '100%' }}>
                <strong>{p.name}</strong>
                <Tag color={p.my_application ? 'success' : 'primary'}>{p.my_application ? t(`experience.status.${p.my_application.status}`) : t(`experience.phase.${p.phase}`)}</Tag>
              </Space>
              <div className="muted">{p.product_name ?? p.sku} · {t('experience.places', { n: p.places })}</div>
              <div className="muted">{t('experience.until', { date: date(p.apply_until) })}</div>
            </article>
          ))}
        {tab === 'mine' && mine.data && (
          <>
            <div className="card muted" data-testid="experience-quality">
              {mine.data.quality.quality_score === null ? t('experience.noneMine') : t('experience.quality', { score: mine.data.quality.quality_score, count: mine.data.quality.feedback_count })}
              {mine.data.quality.badges.length > 0 && <div style={{ marginTop: 6 }}>{t('experience.badges')}：{mine.data.quality.badges.map((b) => <Tag key={b.program_id} color="warning" style={{ marginRight: 4 }}>{b.badge}</Tag>)}</div>}
            </div>
            <List>
              {mine.data.data.map((a) => (
                <List.Item key={a.id} onClick={() => navigate(`/experience/applications/${a.id}`)} extra={<Tag color={a.status === 'selected' ? 'success' : 'default'}>{t(`experience.status.${a.status}`)}</Tag>} description={a.feedback ? t('experience.submitted') : a.shipment.shipped_at ? t('experience.shippedBy', { carrier: a.shipment.carrier, no: a.shipment.tracking_no, date: date(a.shipment.shipped_at) }) : undefined} data-testid="experience-application">
                  {names.get(a.program_id) ?? a.program_id.slice(0, 8)}
                </List.Item>
              ))}
            </List>
          </>
        )}
      </div>
    </main>
  );
}

/** A program: what it is, what it rewards, and the questionnaire to apply with. */
export function ExperienceProgramPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDate();
  const program = useLoad<MyProgram>(`/me/experience/programs/${id}`);
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [province, setProvince] = useState('');
  const [busy, setBusy] = useState(false);
  const p = program.data;
  async function apply() {
    setBusy(true);
    try {
      const a = await api<MyApplication>(`/me/experience/programs/${id}/applications`, { method: 'POST', body: { answers, ...(province.trim() && { province: province.trim() }) } });
      Toast.show({ icon: 'success', content: t('experience.applied') });
      navigate(`/experience/applications/${a.id}`);
    } catch (err) {
      Toast.show({ content: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  }
  const reward = p?.reward;
  return (
    <main>
      <NavBar onBack={() => navigate('/experience')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{p?.name ?? t('experience.title')}</h1>
      </NavBar>
      <div className="page-body">
        {program.error}
        {p && (
          <>
            <section className="card">
              <strong>{p.product_name ?? p.sku}</strong>
              {p.description && <p style={{ whiteSpace: 'pre-wrap' }}>{p.description}</p>}
              <div className="muted">{t('experience.places', { n: p.places })} · {t('experience.until', { date: date(p.apply_until) })}</div>
              <div className="muted">{t('experience.due', { date: date(p.feedback_due_at) })}</div>
              {reward && reward.kind !== 'none' && <div style={{ marginTop: 6 }}><Tag color="warning">{t(`experience.reward.${reward.kind}`, reward)}</Tag></div>}
            </section>
            {p.my_application ? (
              <Button block color="primary" onClick={() => navigate(`/experience/applications/${p.my_application!.id}`)}>
                {t(`experience.status.${p.my_application.status}`)} · {t('experience.view')}
              </Button>
            ) : !p.eligible ? (
              <div className="card warning">{t('experience.notEligible')}</div>
            ) : p.phase === 'recruiting' ? (
              <section className="card" aria-label={t('experience.apply')}>
                {p.questionnaire.map((q) => (
                  <QuestionField key={q.key} question={q} value={answers[q.key]} onChange={(v) => setAnswers((a) => ({ ...a, [q.key]: v }))} />
                ))}
                <label className="field-label">{t('experience.province')}</label>
                <Input value={province} onChange={setProvince} placeholder={t('experience.provincePlaceholder')} data-testid="experience-province" />
                <Button block color="primary" loading={busy} onClick={() => void apply()} style={{ marginTop: 12 }} data-testid="experience-apply">
                  {t('experience.apply')}
                </Button>
              </section>
            ) : null}
          </>
        )}
      </div>
    </main>
  );
}

function QuestionField({ question: q, value, onChange }: { question: Question; value: unknown; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  return (
    <div style={{ marginBottom: 12 }} data-testid={`question-${q.key}`}>
      <label className="field-label">
        {q.label}
        {q.required && <span className="muted"> · {t('experience.required')}</span>}
      </label>
      {q.type === 'text' && <TextArea value={(value as string) ?? ''} onChange={onChange} maxLength={q.max_length} autoSize={{ minRows: 2 }} />}
      {q.type === 'number' && <Input type="number" value={value === undefined ? '' : String(value)} onChange={(v) => onChange(v === '' ? undefined : Number(v))} />}
      {q.type === 'single' && (
        <Radio.Group value={value as string} onChange={(v) => onChange(v)}>
          <Space wrap>{q.options!.map((o) => <Radio key={o} value={o}>{o}</Radio>)}</Space>
        </Radio.Group>
      )}
      {q.type === 'multi' && (
        <Checkbox.Group value={(value as string[]) ?? []} onChange={(v) => onChange(v)}>
          <Space wrap>{q.options!.map((o) => <Checkbox key={o} value={o}>{o}</Checkbox>)}</Space>
        </Checkbox.Group>
      )}
      {q.type === 'boolean' && (
        <Radio.Group value={value === undefined ? undefined : String(value)} onChange={(v) => onChange(v === 'true')}>
          <Space><Radio value="true">{t('experience.yes')}</Radio><Radio value="false">{t('experience.no')}</Radio></Space>
        </Radio.Group>
      )}
    </div>
  );
}
