import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { taskRuleSchema } from '@hearth/contracts/guides';
import type { Segment } from '@hearth/contracts/segments';
import { api, ApiError, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

type Rule = z.infer<typeof taskRuleSchema>;

/** 任务规则: a segment's members get a follow-up task each for their guide, daily and on demand. */
export function GuideRulesPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const manage = can('guides:manage');
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const load = useCallback(() => void api<Page<Rule>>('/guide-task-rules').then((r) => setRules(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  useEffect(() => void api<Page<Segment>>('/segments?limit=200&status=active').then((r) => setSegments(r.data), () => setSegments([])), []);
  const run = (rule: Rule) =>
    void api<{ created: number; already_open: number; without_guide: number }>(`/guide-task-rules/${rule.id}/run`, { method: 'POST', idempotent: true }).then(
      (r) => {
        modal.info({ title: rule.name, content: t('guides.rules.runResult', { created: r.created, open: r.already_open, none: r.without_guide }) });
        load();
      },
      (e: Error) => message.error(e.message),
    );

  return (
    <Card title={t('guides.rules.title')} data-testid="guide-rules" extra={manage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="guide-rule-create">{t('guides.rules.create')}</Button>}>
      <Typography.Paragraph type="secondary">{t('guides.rules.runHint')}</Typography.Paragraph>
      <Table<Rule>
        rowKey="id"
        loading={!rules}
        dataSource={rules ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('guides.rules.empty')} /> }}
        columns={[
          { title: t('guides.rules.name'), dataIndex: 'name' },
          { title: t('guides.rules.segment'), dataIndex: 'segment_id', render: (id: string) => segments.find((s) => s.id === id)?.name ?? id.slice(0, 8) },
          { title: t('guides.rules.titleTemplate'), dataIndex: 'title_template' },
          { title: t('guides.rules.dueDays'), dataIndex: 'due_in_days' },
          { title: t('guides.rules.status'), dataIndex: 'status', render: (s: Rule['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`guides.rules.${s}`)}</Tag> },
          { title: t('guides.rules.lastRun'), dataIndex: 'last_run_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, rule) =>
              manage && (
                <Space>
                  <Button size="small" onClick={() => setEditing(rule)}>{t('common.edit')}</Button>
                  <Button size="small" type="primary" disabled={rule.status !== 'active'} onClick={() => run(rule)}>{t('guides.rules.run')}</Button>
                </Space>
              ),
          },
        ]}
      />
      <RuleModal editing={editing} segments={segments} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />
    </Card>
  );
}

function RuleModal({ editing, segments, onClose, onSaved }: { editing: Rule | 'new' | null; segments: Segment[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const rule = editing === 'new' ? null : editing;
  useEffect(() => {
    if (editing) form.setFieldsValue(rule ? { ...rule, active: rule.status === 'active' } : { name: '', title_template: '致电会员 {{ member_no }}', due_in_days: 3, active: true });
  }, [editing, rule, form]);
  const submit = async (values: { name: string; segment_id: string; title_template: string; due_in_days: number; active: boolean }) => {
    const body = { name: values.name, segment_id: values.segment_id, title_template: values.title_template, due_in_days: values.due_in_days, status: values.active ? 'active' : 'paused' };
    try {
      await api(rule ? `/guide-task-rules/${rule.id}` : '/guide-task-rules', { method: rule ? 'PUT' : 'POST', idempotent: true, body });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name, errors: [e] })));
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={editing !== null} title={rule ? t('guides.rules.edit') : t('guides.rules.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} destroyOnHidden forceRender>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={t('guides.rules.name')} rules={[{ required: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="segment_id" label={t('guides.rules.segment')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={segments.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="title_template" label={t('guides.rules.titleTemplate')} rules={[{ required: true }]} extra={<span>{t('guides.rules.titleHint')} <code>{'{{ member_no }}'}</code> <code>{'{{ due_date }}'}</code></span>}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="due_in_days" label={t('guides.rules.dueDays')} rules={[{ required: true }]}>
          <InputNumber min={0} max={365} />
        </Form.Item>
        <Form.Item name="active" label={t('guides.rules.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
