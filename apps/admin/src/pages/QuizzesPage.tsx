import { useState } from 'react';
import { Alert, App, Button, Card, Col, Drawer, Empty, Row, Space, Statistic, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { GivenReward, Quiz, quizResultSchema } from '@hearth/contracts/quizzes';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { MemberLink } from './growth-shared.tsx';
import { QuizEditor } from './QuizEditor.tsx';

type Attempt = z.infer<typeof quizResultSchema>;

/** 答题: quizzes with their questions, windows and rewards, and the members' results. */
export function QuizzesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const list = useCursorList<Quiz>('/quizzes', {});
  const [editing, setEditing] = useState<Quiz | 'new' | null>(null);
  const [results, setResults] = useState<Quiz | null>(null);
  return (
    <Card title={t('quizzes.title')} data-testid="quizzes-page" extra={can('games:manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="quiz-create">{t('quizzes.create')}</Button>}>
      <Table<Quiz>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('quizzes.empty')} /> }}
        columns={[
          { title: t('quizzes.name'), render: (_, q) => <a onClick={() => setEditing(q)}>{q.title}</a> },
          { title: t('quizzes.window'), render: (_, q) => `${formatTime(q.starts_at)} ~ ${formatTime(q.ends_at)}` },
          { title: t('quizzes.attemptRule'), render: (_, q) => t(`quizzes.attemptRules.${q.attempt_rule}`) },
          { title: t('quizzes.passScore'), render: (_, q) => `${q.pass_score} / ${q.max_score}` },
          { title: t('quizzes.reward'), render: (_, q) => (q.reward ? (q.reward.kind === 'points' ? `${q.reward.points} ${t('quizzes.rewardKinds.points')}` : t('quizzes.rewardKinds.coupon')) : '—') },
          { title: t('common.status'), render: (_, q) => <Tag color={q.status === 'open' ? 'green' : 'default'}>{t(`quizzes.status.${q.status}`)}</Tag> },
          { title: t('quizzes.results'), render: (_, q) => <a onClick={() => setResults(q)}>{q.stats.passed_members} / {q.stats.members}</a> },
        ]}
      />
      {list.hasMore && <Button style={{ marginTop: 12 }} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      {editing && <QuizEditor quiz={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void list.reload()} />}
      {results && <ResultsDrawer quiz={results} onClose={() => setResults(null)} onClosed={() => void list.reload()} />}
    </Card>
  );
}

function ResultsDrawer({ quiz, onClose, onClosed }: { quiz: Quiz; onClose: () => void; onClosed: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const attempts = useCursorList<Attempt>(`/quizzes/${quiz.id}/attempts`, {});
  const close = () => modal.confirm({ title: t('quizzes.closeConfirm'), onOk: () => api(`/quizzes/${quiz.id}/close`, { method: 'POST' }).then(onClosed, (e: Error) => message.error(e.message)) });
  return (
    <Drawer open width={860} title={`${t('quizzes.results')} · ${quiz.title}`} onClose={onClose} extra={can('games:manage') && quiz.status === 'open' && <Button danger onClick={close}>{t('quizzes.close')}</Button>}>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={5}><Statistic title={t('quizzes.attempts')} value={quiz.stats.attempts} /></Col>
        <Col span={5}><Statistic title={t('quizzes.members')} value={quiz.stats.members} /></Col>
        <Col span={5}><Statistic title={t('quizzes.passedMembers')} value={quiz.stats.passed_members} /></Col>
        <Col span={5}><Statistic title={t('quizzes.rewarded')} value={quiz.stats.rewarded} /></Col>
        <Col span={4}><Statistic title={t('quizzes.averageScore')} value={quiz.stats.average_score} /></Col>
      </Row>
      <Table<Attempt>
        rowKey="id"
        size="small"
        loading={attempts.loading}
        dataSource={attempts.rows}
        pagination={false}
        columns={[
          { title: t('quizzes.attempt.member'), render: (_, a) => <MemberLink id={a.member_id} no={a.member_no} /> },
          { title: t('quizzes.attempt.period'), render: (_, a) => (a.period === 'once' ? t('quizzes.attempt.once') : a.period) },
          { title: t('quizzes.attempt.score'), render: (_, a) => `${a.score} / ${a.max_score}` },
          { title: t('quizzes.attempt.passed'), render: (_, a) => <Tag color={a.passed ? 'green' : 'default'}>{a.passed ? t('quizzes.attempt.yes') : t('quizzes.attempt.no')}</Tag> },
          { title: t('quizzes.attempt.time'), render: (_, a) => formatTime(a.created_at) },
        ]}
      />
      <Space style={{ marginTop: 12 }}>{attempts.hasMore && <Button onClick={() => void attempts.loadMore()}>{t('common.loadMore')}</Button>}</Space>
      {quiz.reward && <FailedRewards quizId={quiz.id} />}
    </Drawer>
  );
}

/** Rewards the coupon module refused (out of stock, paused), with a retry once the operator has fixed the cause. */
function FailedRewards({ quizId }: { quizId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const failed = useCursorList<GivenReward>(`/quizzes/${quizId}/rewards`, { status: 'failed' });
  const retry = async (reward: GivenReward) => {
    try {
      const result = await api<GivenReward>(`/quizzes/${quizId}/rewards/${reward.member_id}/retry`, { method: 'POST' });
      if (result.status === 'fulfilled') void message.success(t('quizzes.failedRewards.retried'));
      else void message.warning(t('quizzes.failedRewards.stillFailed', { error: result.error }));
    } catch (error) {
      void message.error((error as Error).message);
    }
    failed.reload();
  };
  if (!failed.loading && !failed.rows.length) return null;
  return (
    <div style={{ marginTop: 24 }} data-testid="quiz-failed-rewards">
      <h4>{t('quizzes.failedRewards.title')}</h4>
      <Alert type="warning" showIcon message={t('quizzes.failedRewards.hint')} style={{ marginBottom: 12 }} />
      <Table<GivenReward>
        rowKey="member_id"
        size="small"
        loading={failed.loading}
        dataSource={failed.rows}
        pagination={false}
        columns={[
          { title: t('quizzes.attempt.member'), render: (_, r) => <MemberLink id={r.member_id} no={r.member_no} /> },
          { title: t('quizzes.failedRewards.error'), dataIndex: 'error' },
          { title: t('quizzes.attempt.time'), render: (_, r) => formatTime(r.created_at) },
          ...(can('games:manage') ? [{ title: '', render: (_: unknown, r: GivenReward) => <Button size="small" onClick={() => void retry(r)}>{t('quizzes.failedRewards.retry')}</Button> }] : []),
        ]}
      />
      {failed.hasMore && <Button style={{ marginTop: 12 }} onClick={() => void failed.loadMore()}>{t('common.loadMore')}</Button>}
    </div>
  );
}
