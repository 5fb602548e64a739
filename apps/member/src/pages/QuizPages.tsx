import { useState } from 'react';
import { Button, Checkbox, NavBar, Radio, Result, Space, Tag, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { myAttemptResultSchema, myQuizSchema } from '@hearth/contracts/quizzes';
import { api } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

type MyQuiz = z.infer<typeof myQuizSchema>;
type AttemptResult = z.infer<typeof myAttemptResultSchema>;

const rewardText = (t: TFunction, reward: MyQuiz['reward']) => (reward ? (reward.kind === 'points' ? t('quizzes.rewardPoints', { n: reward.points }) : t('quizzes.rewardCoupon')) : '');

/** 答题闯关: the quizzes open now and whether this member can still answer. */
export function QuizzesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const quizzes = useLoad<MyQuiz[]>('/me/quizzes');
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('quizzes.title')}</h1>
      </NavBar>
      <div className="page-body">
        {quizzes.error}
        {quizzes.data?.length === 0 && <div className="card muted">{t('quizzes.none')}</div>}
        {quizzes.data?.map((q) => (
          <button key={q.id} type="button" className="card" style={{ display: 'block', width: '100%', textAlign: 'left', marginBottom: 12 }} onClick={() => navigate(`/quizzes/${q.id}`)} data-testid="quiz-card">
            <h2 style={{ margin: '0 0 4px' }}>{q.title}</h2>
            <Space wrap>
              <Tag color={q.can_attempt ? 'primary' : 'default'}>{q.can_attempt ? t(`quizzes.rules.${q.attempt_rule}`) : q.attempt_rule === 'daily' ? t('quizzes.done') : t('quizzes.doneOnce')}</Tag>
              {q.rewarded && <Tag color="success">{t('quizzes.rewarded')}</Tag>}
            </Space>
            <div className="muted" style={{ marginTop: 6 }}>{t('quizzes.until', { date: date(q.ends_at) })}{q.reward && ` · ${t('quizzes.reward', { reward: rewardText(t, q.reward) })}`}</div>
          </button>
        ))}
      </div>
    </main>
  );
}

/** One quiz: answer every question, submit once, see the score, right or wrong per question, and the reward. */
export function QuizPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const quiz = useLoad<MyQuiz>(`/me/quizzes/${id}`);
  const [answers, setAnswers] = useState<Record<string, number[]>>({});
  const [result, setResult] = useState<AttemptResult | null>(null);
  const [busy, setBusy] = useState(false);
  const q = quiz.data;

  async function submit() {
    if (!q) return;
    const missing = q.questions.filter((x) => !answers[x.id]?.length).length;
    if (missing) {
      Toast.show({ content: t('quizzes.unanswered', { n: missing }) });
      return;
    }
    setBusy(true);
    try {
      setResult(await api<AttemptResult>(`/me/quizzes/${id}/attempts`, { method: 'POST', body: { answers: q.questions.map((x) => ({ question_id: x.id, choices: answers[x.id] ?? [] })) } }));
      await quiz.reload();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'quizzes') });
    } finally {
      setBusy(false);
    }
  }

  const verdict = new Map(result?.results.map((r) => [r.question_id, r.correct]));
  return (
    <main>
      <NavBar onBack={() => navigate('/quizzes')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{q?.title ?? t('quizzes.title')}</h1>
      </NavBar>
      <div className="page-body">
        {quiz.error}
        {q && (
          <section className="card" style={{ marginBottom: 12 }}>
            {q.description && <p style={{ marginTop: 0 }}>{q.description}</p>}
            <div className="muted">{t('quizzes.pass', { max: q.max_score, pass: q.pass_score })} · {t(`quizzes.rules.${q.attempt_rule}`)}</div>
            {q.reward && <div className="muted">{t('quizzes.reward', { reward: rewardText(t, q.reward) })}{q.rewarded ? ` · ${t('quizzes.rewarded')}` : ''}</div>}
            {q.best && !result && <div className="muted">{t('quizzes.best', { score: q.best.score })}</div>}
          </section>
        )}
        {result && (
          <section className="card" style={{ marginBottom: 12 }} data-testid="quiz-result">
            <Result
              status={result.passed ? 'success' : 'warning'}
              title={result.passed ? t('quizzes.passed') : t('quizzes.failed')}
              description={
                <>
                  <div>{t('quizzes.result', { score: result.score, max: result.max_score })}</div>
                  {result.reward && <div>{result.reward.status === 'fulfilled' ? t('quizzes.gotReward', { reward: rewardText(t, result.reward) }) : t('quizzes.rewardFailed')}</div>}
                </>
              }
            />
          </section>
        )}
        {q?.questions.map((question, index) => (
          <section key={question.id} className="card" style={{ marginBottom: 12 }} data-testid="quiz-question">
            <div style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 8 }}>
              <Tag fill="outline">{t(`quizzes.${question.kind}`)}</Tag>
              {verdict.has(question.id) && <Tag color={verdict.get(question.id) ? 'success' : 'danger'}>{verdict.get(question.id) ? t('quizzes.right') : t('quizzes.wrong')}</Tag>}
            </div>
            <strong>{index + 1}. {question.prompt}</strong>
            <div style={{ marginTop: 8 }}>
              {question.kind === 'single' ? (
                <Radio.Group value={answers[question.id]?.[0]} onChange={(v) => setAnswers((a) => ({ ...a, [question.id]: [Number(v)] }))} disabled={!q.can_attempt || !!result}>
                  <Space direction="vertical">{question.options.map((o, i) => <Radio key={i} value={i}>{o}</Radio>)}</Space>
                </Radio.Group>
              ) : (
                <Checkbox.Group value={answers[question.id] ?? []} onChange={(v) => setAnswers((a) => ({ ...a, [question.id]: v.map(Number) }))} disabled={!q.can_attempt || !!result}>
                  <Space direction="vertical">{question.options.map((o, i) => <Checkbox key={i} value={i}>{o}</Checkbox>)}</Space>
                </Checkbox.Group>
              )}
            </div>
          </section>
        ))}
        {q && !result && (
          <Button block color="primary" size="large" loading={busy} disabled={!q.can_attempt} onClick={() => void submit()} data-testid="quiz-submit">
            {q.can_attempt ? t('quizzes.submit') : q.attempt_rule === 'daily' ? t('quizzes.done') : t('quizzes.doneOnce')}
          </Button>
        )}
      </div>
    </main>
  );
}
