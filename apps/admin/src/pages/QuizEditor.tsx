import { useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import { attemptRules, questionKinds, type Quiz } from '@hearth/contracts/quizzes';
import { api, ApiError } from '../api.ts';
import { useSession } from '../session.tsx';

interface QuestionValues {
  id?: string;
  kind: 'single' | 'multiple';
  prompt: string;
  options: string;
  correct: number | number[];
  points: number;
}
interface Values {
  title: string;
  description?: string;
  window: [Dayjs, Dayjs];
  attempt_rule: Quiz['attempt_rule'];
  pass_score: number;
  reward_kind: 'none' | 'points' | 'coupon';
  reward_points?: number;
  reward_coupon_template_id?: string;
  questions: QuestionValues[];
}

const optionLines = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

/** Create or edit a quiz: its questions (options one per line, right answers picked from them), window and reward. */
export function QuizEditor({ quiz, onClose, onSaved }: { quiz: Quiz | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<Values>();
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const questions = (Form.useWatch('questions', form) ?? []) as QuestionValues[];
  const rewardKind = Form.useWatch('reward_kind', form) as Values['reward_kind'] | undefined;
  useEffect(() => void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), () => setTemplates([])), []);

  const initial: Values = quiz
    ? {
        title: quiz.title,
        description: quiz.description ?? undefined,
        window: [dayjs(quiz.starts_at), dayjs(quiz.ends_at)],
        attempt_rule: quiz.attempt_rule,
        pass_score: quiz.pass_score,
        reward_kind: quiz.reward?.kind ?? 'none',
        reward_points: quiz.reward?.points ?? undefined,
        reward_coupon_template_id: quiz.reward?.coupon_template_id ?? undefined,
        questions: quiz.questions.map((q) => ({ ...q, options: q.options.join('\n'), correct: q.kind === 'single' ? q.correct[0]! : q.correct })),
      }
    : { title: '', window: [dayjs().startOf('hour'), dayjs().add(30, 'day').startOf('hour')], attempt_rule: 'daily', pass_score: 1, reward_kind: 'points', reward_points: 10, questions: [{ kind: 'single', prompt: '', options: '', correct: 0, points: 1 }] };

  const save = async () => {
    const v = await form.validateFields();
    const body = {
      title: v.title,
      description: v.description || null,
      starts_at: v.window[0].toISOString(),
      ends_at: v.window[1].toISOString(),
      attempt_rule: v.attempt_rule,
      pass_score: v.pass_score,
      reward: v.reward_kind === 'none' ? null : v.reward_kind === 'points' ? { kind: 'points', points: v.reward_points } : { kind: 'coupon', coupon_template_id: v.reward_coupon_template_id },
      questions: v.questions.map((q) => ({ ...(q.id ? { id: q.id } : {}), kind: q.kind, prompt: q.prompt, options: optionLines(q.options), correct: [q.correct].flat(), points: q.points })),
    };
    try {
      await (quiz ? api(`/quizzes/${quiz.id}`, { method: 'PUT', body }) : api('/quizzes', { method: 'POST', body, idempotent: true }));
      message.success(t('common.saved'));
      onSaved();
      onClose();
    } catch (error) {
      message.error(error instanceof ApiError ? Object.entries(error.fieldErrors).map(([f, m]) => `${f}: ${m}`).join('；') || error.message : (error as Error).message);
    }
  };
  const writable = can('games:manage');
  return (
    <Drawer open width={820} title={quiz ? t('quizzes.edit') : t('quizzes.create')} onClose={onClose} extra={writable && <Button type="primary" onClick={() => void save()} data-testid="quiz-save">{t('common.save')}</Button>}>
      <Form form={form} layout="vertical" initialValues={initial} disabled={!writable}>
        <Form.Item name="title" label={t('quizzes.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} data-testid="quiz-title" /></Form.Item>
        <Form.Item name="description" label={t('quizzes.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Space wrap>
          <Form.Item name="window" label={t('quizzes.window')} rules={[{ required: true }]}><DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm" /></Form.Item>
          <Form.Item name="attempt_rule" label={t('quizzes.attemptRule')}><Select style={{ width: 180 }} options={attemptRules.map((r) => ({ value: r, label: t(`quizzes.attemptRules.${r}`) }))} /></Form.Item>
          <Form.Item name="pass_score" label={`${t('quizzes.passScore')} (${t('quizzes.maxScore')} ${questions.reduce((s, q) => s + (q?.points ?? 0), 0)})`} rules={[{ required: true }]}><InputNumber min={0} precision={0} /></Form.Item>
        </Space>
        <Space wrap align="end">
          <Form.Item name="reward_kind" label={t('quizzes.reward')} extra={t('quizzes.rewardHint')}>
            <Radio.Group options={[{ value: 'none', label: t('quizzes.noReward') }, { value: 'points', label: t('quizzes.rewardKinds.points') }, { value: 'coupon', label: t('quizzes.rewardKinds.coupon') }]} />
          </Form.Item>
          {rewardKind === 'points' && <Form.Item name="reward_points" label={t('quizzes.points')} rules={[{ required: true }]}><InputNumber min={1} precision={0} /></Form.Item>}
          {rewardKind === 'coupon' && <Form.Item name="reward_coupon_template_id" label={t('quizzes.coupon')} rules={[{ required: true }]}><Select style={{ width: 220 }} options={templates.map((c) => ({ value: c.id, label: c.name }))} /></Form.Item>}
        </Space>
        <Typography.Title level={5}>{t('quizzes.questions')}</Typography.Title>
        <Form.List name="questions">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field, index) => {
                const q = questions[index];
                const options = optionLines(q?.options).map((label, i) => ({ value: i, label: `${String.fromCharCode(65 + i)}. ${label}` }));
                return (
                  <Card key={field.key} size="small" title={`${index + 1}`} extra={fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />} data-testid="quiz-question">
                    <Space wrap>
                      <Form.Item name={[field.name, 'kind']}><Radio.Group options={questionKinds.map((k) => ({ value: k, label: t(`quizzes.questionKinds.${k}`) }))} /></Form.Item>
                      <Form.Item name={[field.name, 'points']} label={t('quizzes.questionPoints')}><InputNumber min={1} max={100} precision={0} /></Form.Item>
                    </Space>
                    <Form.Item name={[field.name, 'prompt']} label={t('quizzes.prompt')} rules={[{ required: true, whitespace: true }]}><Input maxLength={500} /></Form.Item>
                    <Form.Item name={[field.name, 'options']} label={t('quizzes.options')} rules={[{ required: true }, { validator: (_, v: string) => (optionLines(v).length >= 2 && optionLines(v).length <= 8 ? Promise.resolve() : Promise.reject(new Error('2–8'))) }]}>
                      <Input.TextArea rows={3} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'correct']} label={t('quizzes.correct')} rules={[{ required: true }]}>
                      <Select mode={q?.kind === 'multiple' ? 'multiple' : undefined} options={options} style={{ width: '100%' }} />
                    </Form.Item>
                  </Card>
                );
              })}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'single', prompt: '', options: '', points: 1 })}>{t('quizzes.addQuestion')}</Button>
            </Space>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
