import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AutoReply, AutoReplyInput } from '@hearth/contracts/groups';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { applyFieldErrors, useGroupOptions, usePools } from './group-shared.ts';

/** 欢迎语与自动回复: keyword rules per group or pool, and a box to try a message against them. */
export function GroupRepliesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('groups:manage');
  const { pools } = usePools();
  const groups = useGroupOptions();
  const [rules, setRules] = useState<AutoReply[] | null>(null);
  const [editing, setEditing] = useState<{ rule: AutoReply | null } | null>(null);
  const load = useCallback(() => void api<{ data: AutoReply[] }>('/groups/auto-replies').then((r) => setRules(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  const scopeName = (r: AutoReply) => (r.group_id ? groups.find((g) => g.id === r.group_id)?.name : pools.find((p) => p.id === r.pool_id)?.name) ?? '—';

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('groups.replies.welcomeNote')} />
      <Card title={t('groups.replies.title')} data-testid="group-replies" extra={writable && <Button type="primary" icon={<PlusOutlined />} data-testid="reply-create" onClick={() => setEditing({ rule: null })}>{t('groups.replies.create')}</Button>}>
        <Table<AutoReply>
          rowKey="id"
          loading={!rules}
          dataSource={rules ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('groups.replies.empty')} /> }}
          columns={[
            { title: t('groups.replies.keyword'), dataIndex: 'keyword', render: (k: string, r) => <Space>{k}{!r.enabled && <Tag>{t('common.no')}</Tag>}</Space> },
            { title: t('groups.replies.match'), render: (_, r) => t(`groups.replies.matches.${r.match}`) },
            { title: t('groups.replies.scope'), width: 280, render: (_, r) => <Space><Tag>{r.group_id ? t('groups.replies.scopeGroup') : t('groups.replies.scopePool')}</Tag>{scopeName(r)}</Space> },
            { title: t('groups.replies.reply'), dataIndex: 'reply_text', ellipsis: true },
            {
              title: t('common.actions'),
              render: (_, r) =>
                writable && (
                  <Space>
                    <Button size="small" onClick={() => setEditing({ rule: r })}>{t('common.edit')}</Button>
                    <Popconfirm title={t('groups.replies.deleteConfirm')} onConfirm={() => api(`/groups/auto-replies/${r.id}`, { method: 'DELETE' }).then(load, (e: Error) => message.error(e.message))}>
                      <Button size="small" danger>{t('common.delete')}</Button>
                    </Popconfirm>
                  </Space>
                ),
            },
          ]}
        />
        <ReplyModal editing={editing} groups={groups.map((g) => ({ value: g.id, label: g.name }))} pools={pools.map((p) => ({ value: p.id, label: p.name }))} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />
      </Card>
      <TryIt groups={groups.map((g) => ({ value: g.id, label: g.name }))} />
    </Space>
  );
}

type Option = { value: string; label: string };

function ReplyModal({ editing, groups, pools, onClose, onSaved }: { editing: { rule: AutoReply | null } | null; groups: Option[]; pools: Option[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AutoReplyInput & { scope: 'group' | 'pool' }>();
  const scope = Form.useWatch('scope', form);
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(editing.rule ? { ...editing.rule, scope: editing.rule.group_id ? 'group' : 'pool' } : { scope: 'pool', match: 'contains', enabled: true });
  }, [editing, form]);
  const save = async () => {
    const { scope: chosen, ...values } = await form.validateFields();
    const body = { ...values, group_id: chosen === 'group' ? values.group_id : null, pool_id: chosen === 'pool' ? values.pool_id : null };
    try {
      await api(editing?.rule ? `/groups/auto-replies/${editing.rule.id}` : '/groups/auto-replies', { method: editing?.rule ? 'PUT' : 'POST', body, idempotent: !editing?.rule });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      applyFieldErrors(form, error);
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={editing !== null} title={editing?.rule ? t('groups.replies.edit') : t('groups.replies.create')} onCancel={onClose} onOk={() => void save()} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="scope" label={t('groups.replies.scope')}>
          <Radio.Group options={[{ value: 'pool', label: t('groups.replies.scopePool') }, { value: 'group', label: t('groups.replies.scopeGroup') }]} />
        </Form.Item>
        {scope === 'group' ? (
          <Form.Item name="group_id" label={t('groups.name')} rules={[{ required: true }]}><Select showSearch optionFilterProp="label" options={groups} /></Form.Item>
        ) : (
          <Form.Item name="pool_id" label={t('groups.pool')} rules={[{ required: true }]}><Select options={pools} /></Form.Item>
        )}
        <Form.Item name="keyword" label={t('groups.replies.keyword')} rules={[{ required: true }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="match" label={t('groups.replies.match')}><Radio.Group options={(['contains', 'exact'] as const).map((m) => ({ value: m, label: t(`groups.replies.matches.${m}`) }))} /></Form.Item>
        <Form.Item name="reply_text" label={t('groups.replies.reply')} rules={[{ required: true }]}><Input.TextArea rows={3} maxLength={2000} showCount /></Form.Item>
        <Form.Item name="enabled" label={t('groups.replies.enabled')} valuePropName="checked"><Switch /></Form.Item>
      </Form>
    </Modal>
  );
}

function TryIt({ groups }: { groups: Option[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [groupId, setGroupId] = useState<string>();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ reply: { reply_text: string } | null } | null>(null);
  const run = () => {
    if (!groupId || !text) return;
    void api<{ reply: { reply_text: string } | null }>('/groups/auto-replies/test', { method: 'POST', body: { group_id: groupId, text } }).then(setResult, (e: Error) => message.error(e.message));
  };
  return (
    <Card title={t('groups.replies.test')} size="small">
      <Typography.Paragraph type="secondary">{t('groups.replies.testHint')}</Typography.Paragraph>
      <Space wrap>
        <Select placeholder={t('groups.replies.testGroup')} style={{ width: 220 }} showSearch optionFilterProp="label" options={groups} value={groupId} onChange={setGroupId} />
        <Input placeholder={t('groups.replies.testText')} style={{ width: 320 }} value={text} onChange={(e) => setText(e.target.value)} onPressEnter={run} />
        <Button onClick={run}>{t('groups.replies.test')}</Button>
      </Space>
      {result && <Typography.Paragraph style={{ marginTop: 12 }}>{result.reply ? t('groups.replies.testResult', { text: result.reply.reply_text }) : t('groups.replies.testNone')}</Typography.Paragraph>}
    </Card>
  );
}
