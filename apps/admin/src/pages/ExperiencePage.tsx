import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, DatePicker, Empty, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import type { ExperienceSettings, Program } from '@hearth/contracts/experience';
import { api, ApiError } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

const phaseColor: Record<Program['phase'], string> = { upcoming: 'default', recruiting: 'green', selecting: 'orange', trial: 'blue', ended: 'default' };
const questionTypes = ['text', 'single', 'multi', 'number', 'boolean'] as const;

export function experienceErrorText(t: (key: string) => string, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `experience.errors.${error.code}`;
    const text = t(key);
    const fields = Object.entries(error.fieldErrors).map(([f, m]) => `${f}: ${m}`).join('；');
    return `${text === key ? error.message : text}${fields ? `（${fields}）` : ''}`;
  }
  return (error as Error).message;
}

/** 体验官招募: the programs with their phase and funnel; create one; set the score weights. */
export function ExperiencePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [programs, setPrograms] = useState<Program[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [weights, setWeights] = useState(false);
  const load = useCallback(() => void api<{ data: Program[] }>('/experience/programs').then((r) => setPrograms(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  return (
    <Card
      title={t('experience.title')}
      data-testid="experience-page"
      extra={
        can('experience:manage') && (
          <Space>
            <Button icon={<SettingOutlined />} onClick={() => setWeights(true)}>{t('experience.settings')}</Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="experience-create">{t('experience.create')}</Button>
          </Space>
        )
      }
    >
      <Table<Program>
        rowKey="id"
        loading={!programs}
        dataSource={programs ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('experience.empty')} /> }}
        columns={[
          { title: t('experience.name'), render: (_, p) => <Space orientation="vertical" size={0}><Link to={`/experience/${p.id}`}>{p.name}</Link><Typography.Text type="secondary">{p.product_name ?? p.sku}</Typography.Text></Space> },
          { title: t('experience.places'), dataIndex: 'places' },
          { title: t('experience.window'), render: (_, p) => `${formatTime(p.apply_from)} ~ ${formatTime(p.apply_until)}` },
          { title: t('experience.due'), dataIndex: 'feedback_due_at', render: formatTime },
          { title: t('common.status'), render: (_, p) => <Tag color={phaseColor[p.phase]}>{t(`experience.phase.${p.phase}`)}</Tag> },
          { title: '', render: (_, p) => <Typography.Text type="secondary">{t('experience.counts', p.counts)}</Typography.Text> },
          { title: t('common.actions'), render: (_, p) => <Link to={`/experience/${p.id}`}>{t('experience.open')}</Link> },
        ]}
      />
      {creating && <ProgramModal onClose={() => setCreating(false)} onSaved={load} />}
      {weights && <WeightsModal onClose={() => setWeights(false)} />}
    </Card>
  );
}

interface ProgramForm {
  name: string;
  description?: string;
  sku: string;
  places: number;
  window: [Dayjs, Dayjs];
  due: Dayjs;
  questionnaire: { key: string; label: string; type: (typeof questionTypes)[number]; options?: string; required?: boolean }[];
  aspects: { key: string; label: string }[];
  text_min_length: number;
  photos_min: number;
  photos_max: number;
  quotas: { province: string; places: number }[];
  reward_kind: 'none' | 'points' | 'coupon' | 'badge';
  reward_points?: number;
  reward_template?: string;
  reward_badge?: string;
  late_policy: Program['late_policy'];
  reminder_days: string;
}

function ProgramModal({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProgramForm>();
  const kind = Form.useWatch('reward_kind', form);
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  useEffect(() => void api<{ data: CouponTemplate[] }>('/coupon-templates?limit=200').then((r) => setTemplates(r.data), () => setTemplates([])), []);
  const save = async () => {
    const v = await form.validateFields();
    const reward = v.reward_kind === 'points' ? { kind: 'points', points: v.reward_points } : v.reward_kind === 'coupon' ? { kind: 'coupon', template_id: v.reward_template } : v.reward_kind === 'badge' ? { kind: 'badge', badge: v.reward_badge } : { kind: 'none' };
    const body = {
      name: v.name,
      description: v.description || null,
      sku: v.sku,
      places: v.places,
      apply_from: v.window[0].toISOString(),
      apply_until: v.window[1].toISOString(),
      feedback_due_at: v.due.toISOString(),
      questionnaire: (v.questionnaire ?? []).map((q) => ({ key: q.key, label: q.label, type: q.type, required: Boolean(q.required), ...(q.type === 'single' || q.type === 'multi' ? { options: (q.options ?? '').split(/[,，]/).map((o) => o.trim()).filter(Boolean) } : {}) })),
      feedback_form: { aspects: v.aspects, text_min_length: v.text_min_length, photos_min: v.photos_min, photos_max: v.photos_max },
      region_quotas: Object.fromEntries((v.quotas ?? []).map((q) => [q.province, q.places])),
      reward,
      late_policy: v.late_policy,
      reminder_days: v.reminder_days.split(/[,，\s]+/).filter(Boolean).map(Number),
    };
    try {
      await api('/experience/programs', { method: 'POST', body, idempotent: true });
      message.success(t('common.saved'));
      onSaved();
      onClose();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  const initial: Partial<ProgramForm> = { places: 50, window: [dayjs(), dayjs().add(7, 'day')], due: dayjs().add(30, 'day'), aspects: [{ key: 'texture', label: '质地' }, { key: 'effect', label: '效果' }], text_min_length: 50, photos_min: 1, photos_max: 9, reward_kind: 'points', reward_points: 200, late_policy: 'no_reward', reminder_days: '3, 1', questionnaire: [], quotas: [] };
  return (
    <Modal open width={760} title={t('experience.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} okButtonProps={{ 'data-testid': 'experience-save' }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={initial}>
        <Space.Compact block>
          <Form.Item name="name" label={t('experience.name')} rules={[{ required: true, whitespace: true }]} style={{ flex: 2 }}><Input maxLength={100} data-testid="experience-name" /></Form.Item>
          <Form.Item name="sku" label={t('experience.product')} rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}><Input maxLength={64} data-testid="experience-sku" /></Form.Item>
          <Form.Item name="places" label={t('experience.places')} rules={[{ required: true }]} style={{ flex: 1 }}><InputNumber min={1} max={100000} style={{ width: '100%' }} /></Form.Item>
        </Space.Compact>
        <Form.Item name="description" label={t('experience.description')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
        <Space.Compact block>
          <Form.Item name="window" label={t('experience.window')} rules={[{ required: true }]} style={{ flex: 2 }}><DatePicker.RangePicker showTime style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="due" label={t('experience.due')} rules={[{ required: true }]} style={{ flex: 1 }}><DatePicker showTime style={{ width: '100%' }} /></Form.Item>
        </Space.Compact>
        <Typography.Text strong>{t('experience.questions')}</Typography.Text>
        <Form.List name="questionnaire">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'key']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/ }]}><Input placeholder={t('experience.questionKey')} style={{ width: 110 }} /></Form.Item>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true }]}><Input placeholder={t('experience.questionLabel')} style={{ width: 200 }} /></Form.Item>
                  <Form.Item name={[f.name, 'type']} initialValue="text"><Select style={{ width: 100 }} options={questionTypes.map((q) => ({ value: q, label: t(`experience.questionTypes.${q}`) }))} /></Form.Item>
                  <Form.Item name={[f.name, 'options']}><Input placeholder={t('experience.questionOptions')} style={{ width: 160 }} /></Form.Item>
                  <Form.Item name={[f.name, 'required']} valuePropName="checked"><Switch checkedChildren={t('experience.required')} unCheckedChildren={t('experience.required')} /></Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ type: 'text' })} style={{ margin: '8px 0 16px' }}>{t('experience.addQuestion')}</Button>
            </>
          )}
        </Form.List>
        <Typography.Text strong style={{ display: 'block' }}>{t('experience.aspects')}</Typography.Text>
        <Form.List name="aspects">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'key']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/ }]}><Input placeholder={t('experience.aspectKey')} style={{ width: 120 }} /></Form.Item>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true }]}><Input placeholder={t('experience.aspectLabel')} style={{ width: 200 }} /></Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add()} style={{ margin: '8px 0 16px' }}>{t('experience.addAspect')}</Button>
            </>
          )}
        </Form.List>
        <Space wrap>
          <Form.Item name="text_min_length" label={t('experience.textMin')}><InputNumber min={0} max={2000} /></Form.Item>
          <Form.Item name="photos_min" label={t('experience.photosMin')}><InputNumber min={0} max={9} /></Form.Item>
          <Form.Item name="photos_max" label={t('experience.photosMax')}><InputNumber min={0} max={9} /></Form.Item>
        </Space>
        <Typography.Text strong style={{ display: 'block' }}>{t('experience.quotas')}</Typography.Text>
        <Form.List name="quotas">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'province']} rules={[{ required: true }]}><Input placeholder={t('experience.province')} style={{ width: 140 }} /></Form.Item>
                  <Form.Item name={[f.name, 'places']} rules={[{ required: true }]}><InputNumber min={0} placeholder={t('experience.places')} /></Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add()} style={{ margin: '8px 0 16px' }}>{t('experience.addQuota')}</Button>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name="reward_kind" label={t('experience.reward')}><Select style={{ width: 120 }} options={(['none', 'points', 'coupon', 'badge'] as const).map((k) => ({ value: k, label: t(`experience.rewardKinds.${k}`) }))} /></Form.Item>
          {kind === 'points' && <Form.Item name="reward_points" label={t('experience.rewardPoints')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item>}
          {kind === 'coupon' && <Form.Item name="reward_template" label={t('experience.rewardTemplate')} rules={[{ required: true }]}><Select style={{ width: 300 }} showSearch optionFilterProp="label" options={templates.map((c) => ({ value: c.id, label: c.name }))} /></Form.Item>}
          {kind === 'badge' && <Form.Item name="reward_badge" label={t('experience.rewardBadge')} rules={[{ required: true }]}><Input maxLength={50} /></Form.Item>}
          <Form.Item name="late_policy" label={t('experience.latePolicy')}><Select style={{ width: 160 }} options={(['reward', 'no_reward', 'refuse'] as const).map((k) => ({ value: k, label: t(`experience.latePolicies.${k}`) }))} /></Form.Item>
          <Form.Item name="reminder_days" label={t('experience.reminderDays')}><Input style={{ width: 160 }} /></Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function WeightsModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ clv: number; activity: number; influence: number; feedback_quality: number; activity_full_orders: number }>();
  useEffect(() => {
    void api<ExperienceSettings>('/experience/settings').then((s) => form.setFieldsValue({ ...Object.fromEntries(Object.entries(s.weights).map(([k, bp]) => [k, bp / 100])), activity_full_orders: s.activity_full_orders }));
  }, [form]);
  const save = async () => {
    const v = await form.validateFields();
    const weights = { clv: Math.round(v.clv * 100), activity: Math.round(v.activity * 100), influence: Math.round(v.influence * 100), feedback_quality: Math.round(v.feedback_quality * 100) };
    try {
      await api('/experience/settings', { method: 'PUT', body: { weights, activity_full_orders: v.activity_full_orders } });
      message.success(t('common.saved'));
      onClose();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  return (
    <Modal open title={t('experience.settings')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('experience.weightsHint')}</Typography.Paragraph>
      <Form form={form} layout="horizontal" labelCol={{ span: 12 }}>
        {(['clv', 'activity', 'influence', 'feedback_quality'] as const).map((f) => (
          <Form.Item key={f} name={f} label={t(`experience.factors.${f}`)} rules={[{ required: true }]}><InputNumber min={0} max={100} addonAfter="%" /></Form.Item>
        ))}
        <Form.Item name="activity_full_orders" label={t('experience.activityFull')} rules={[{ required: true }]}><InputNumber min={1} max={1000} /></Form.Item>
      </Form>
    </Modal>
  );
}
