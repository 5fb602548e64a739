import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { messageCategories, messageChannels, type MessageTemplate, type MessageTemplateInput, type RenderedMessage } from '@hearth/contracts/messaging';
import { api, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

/** What a template may mention (render.ts loads member data only when mentioned). */
const variables = [
  '{{ member.name }}', '{{ member.member_no }}', '{{ member.city }}', '{{ member.tier }}', '{{ member.points }}', '{{ member.points_value_fen | yuan }}',
  '{{ member.expiring_points }}', '{{ member.expiring_value }}', '{{ member.expiring_date }}', '{{ store.name }}', '{{ store.address }}', '{{ store.phone }}',
  '{{ brand.name }}', '{{ unsubscribe_url }}', '{{ vars.coupon_code }}', '{% if member.points > 100 %}…{% endif %}',
];

type BodyForm = { subject?: string; body?: string; link?: string; fields?: string };
interface EditorValues {
  name: string;
  channel: MessageTemplate['channel'];
  category: MessageTemplate['category'];
  provider_template?: string;
  sms_sign_name?: string;
  zh: BodyForm;
  en: BodyForm;
  variants: { key: string; segment_id?: string; region?: string; zh: BodyForm; en: BodyForm }[];
}

/** Message templates: list, editor with zh-CN and English bodies and variants, preview for a chosen member. */
export function MessageTemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('messaging:manage');
  const [rows, setRows] = useState<MessageTemplate[]>([]);
  const [editing, setEditing] = useState<MessageTemplate | 'new' | null>(null);

  const load = useCallback(async () => setRows((await api<Page<MessageTemplate>>('/messaging/templates?limit=200')).data), []);
  useEffect(() => void load().catch((e: Error) => message.error(e.message)), [load, message]);

  const setStatus = async (template: MessageTemplate, status: 'archive' | 'restore') => {
    await api(`/messaging/templates/${template.id}/${status}`, { method: 'POST' }).catch((e: Error) => message.error(e.message));
    await load();
  };

  return (
    <Card data-testid="templates-page" title={t('messaging.templates.title')} extra={writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="new-template">{t('messaging.templates.create')}</Button>}>
      <Table
        rowKey="id"
        dataSource={rows}
        columns={[
          { title: t('messaging.templates.name'), dataIndex: 'name' },
          { title: t('messaging.templates.channel'), render: (_, r) => t(`messaging.channelNames.${r.channel}`) },
          { title: t('messaging.templates.category'), render: (_, r) => t(`messaging.categories.${r.category}`) },
          { title: t('messaging.templates.variants'), render: (_, r) => r.variants.map((v) => <Tag key={v.key}>{v.key}</Tag>) },
          { title: t('common.status'), render: (_, r) => <Tag color={r.status === 'active' ? 'green' : 'default'}>{t(`messaging.templates.status.${r.status}`)}</Tag> },
          { title: t('messaging.templates.updated'), render: (_, r) => formatTime(r.updated_at) },
          {
            title: t('common.actions'),
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => setEditing(r)} data-testid="edit-template">{t('common.edit')}</Button>
                {writable && <Button size="small" onClick={() => void setStatus(r, r.status === 'active' ? 'archive' : 'restore')}>{t(r.status === 'active' ? 'messaging.templates.archive' : 'messaging.templates.restore')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      {editing && <TemplateDrawer template={editing === 'new' ? null : editing} writable={writable} onClose={() => setEditing(null)} onSaved={() => void load()} />}
    </Card>
  );
}

const toForm = (body?: { subject?: string; body: string; link?: string; fields?: Record<string, string> }): BodyForm => ({
  subject: body?.subject,
  body: body?.body,
  link: body?.link,
  fields: body?.fields ? Object.entries(body.fields).map(([k, v]) => `${k}=${v}`).join('\n') : undefined,
});
function fromForm(form: BodyForm) {
  const fields = Object.fromEntries((form.fields ?? '').split('\n').map((line) => line.trim()).filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1)]).filter(([k]) => k));
  return { body: form.body ?? '', ...(form.subject ? { subject: form.subject } : {}), ...(form.link ? { link: form.link } : {}), ...(Object.keys(fields).length ? { fields } : {}) };
}
const bodies = (zh: BodyForm, en: BodyForm) => ({ 'zh-CN': fromForm(zh), ...(en.body ? { en: fromForm(en) } : {}) });

function TemplateDrawer({ template, writable, onClose, onSaved }: { template: MessageTemplate | null; writable: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditorValues>();
  const [segments, setSegments] = useState<{ id: string; name: string }[]>([]);
  const [memberId, setMemberId] = useState('');
  const [locale, setLocale] = useState<'zh-CN' | 'en'>('zh-CN');
  const [preview, setPreview] = useState<RenderedMessage>();
  useEffect(() => void api<Page<{ id: string; name: string }>>('/segments?limit=200').then((p) => setSegments(p.data), () => setSegments([])), []);

  const initial: Partial<EditorValues> = template
    ? { name: template.name, channel: template.channel, category: template.category, provider_template: template.provider_template ?? undefined, sms_sign_name: template.sms_sign_name ?? undefined, zh: toForm(template.bodies['zh-CN']), en: toForm(template.bodies.en), variants: template.variants.map((v) => ({ key: v.key, segment_id: v.segment_id, region: v.region, zh: toForm(v.bodies['zh-CN']), en: toForm(v.bodies.en) })) }
    : { channel: 'email', category: 'marketing', zh: {}, en: {}, variants: [] };

  const save = async () => {
    const v = await form.validateFields();
    const input: MessageTemplateInput = {
      name: v.name, channel: v.channel, category: v.category, provider_template: v.provider_template || null, sms_sign_name: v.sms_sign_name || null,
      bodies: bodies(v.zh, v.en),
      variants: (v.variants ?? []).map((x) => ({ key: x.key, ...(x.segment_id ? { segment_id: x.segment_id } : {}), ...(x.region ? { region: x.region } : {}), bodies: bodies(x.zh, x.en) })),
    };
    try {
      if (template) await api(`/messaging/templates/${template.id}`, { method: 'PUT', body: input });
      else await api('/messaging/templates', { method: 'POST', body: input, idempotent: true });
      message.success(t('common.saved'));
      onSaved();
      onClose();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const runPreview = async () => {
    if (!template) return;
    try {
      setPreview(await api<RenderedMessage>(`/messaging/templates/${template.id}/preview`, { method: 'POST', body: { member_id: memberId.trim(), locale } }));
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const bodyFields = (prefix: (string | number)[]) => (
    <>
      <Form.Item name={[...prefix, 'subject']} label={t('messaging.templates.subject')}><Input data-testid={`${prefix.join('-')}-subject`} /></Form.Item>
      <Form.Item name={[...prefix, 'body']} label={t('messaging.templates.body')}><Input.TextArea rows={4} data-testid={`${prefix.join('-')}-body`} /></Form.Item>
      <Form.Item name={[...prefix, 'link']} label={t('messaging.templates.link')}><Input /></Form.Item>
      <Form.Item name={[...prefix, 'fields']} label={t('messaging.templates.fields')}><Input.TextArea rows={2} placeholder="first={{ member.name }}" /></Form.Item>
    </>
  );

  return (
    <Drawer open width={760} title={template ? t('messaging.templates.edit') : t('messaging.templates.create')} onClose={onClose} extra={writable && <Button type="primary" onClick={() => void save()} data-testid="save-template">{t('common.save')}</Button>}>
      <Form form={form} layout="vertical" initialValues={initial} disabled={!writable}>
        <Space wrap>
          <Form.Item name="name" label={t('messaging.templates.name')} rules={[{ required: true }]}><Input style={{ width: 240 }} data-testid="template-name" /></Form.Item>
          <Form.Item name="channel" label={t('messaging.templates.channel')}><Select style={{ width: 200 }} options={messageChannels.map((c) => ({ value: c, label: t(`messaging.channelNames.${c}`) }))} /></Form.Item>
          <Form.Item name="category" label={t('messaging.templates.category')}><Select style={{ width: 140 }} options={messageCategories.map((c) => ({ value: c, label: t(`messaging.categories.${c}`) }))} /></Form.Item>
          <Form.Item name="provider_template" label={t('messaging.templates.providerTemplate')}><Input style={{ width: 200 }} /></Form.Item>
          <Form.Item name="sms_sign_name" label={t('messaging.templates.signName')}><Input style={{ width: 140 }} /></Form.Item>
        </Space>
        <Tabs items={[{ key: 'zh', label: t('messaging.templates.zh'), children: bodyFields(['zh']) }, { key: 'en', label: t('messaging.templates.en'), forceRender: true, children: bodyFields(['en']) }]} />
        <Typography.Title level={5}>{t('messaging.templates.variants')}</Typography.Title>
        <Form.List name="variants">
          {(items, { add, remove }) => (
            <>
              {items.map((item) => (
                <Card key={item.key} size="small" style={{ marginBottom: 8 }} extra={<Button size="small" danger onClick={() => remove(item.name)}>{t('common.delete')}</Button>}>
                  <Space wrap>
                    <Form.Item name={[item.name, 'key']} label={t('messaging.templates.variantKey')} rules={[{ required: true }]}><Input style={{ width: 120 }} /></Form.Item>
                    <Form.Item name={[item.name, 'segment_id']} label={t('messaging.templates.segment')}><Select allowClear style={{ width: 220 }} options={segments.map((s) => ({ value: s.id, label: s.name }))} /></Form.Item>
                    <Form.Item name={[item.name, 'region']} label={t('messaging.templates.region')}><Input style={{ width: 140 }} /></Form.Item>
                  </Space>
                  <Tabs size="small" items={[{ key: 'zh', label: t('messaging.templates.zh'), children: bodyFields([item.name, 'zh']) }, { key: 'en', label: t('messaging.templates.en'), forceRender: true, children: bodyFields([item.name, 'en']) }]} />
                </Card>
              ))}
              <Button onClick={() => add({ key: '', zh: {}, en: {} })}>{t('messaging.templates.addVariant')}</Button>
            </>
          )}
        </Form.List>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('messaging.templates.variables')}</Typography.Title>
      <Space wrap>{variables.map((v) => <Typography.Text key={v} code copyable>{v}</Typography.Text>)}</Space>
      {template && (
        <Card size="small" title={t('messaging.templates.preview')} style={{ marginTop: 24 }}>
          <Space wrap>
            <Input placeholder={t('messaging.templates.previewMember')} value={memberId} onChange={(e) => setMemberId(e.target.value)} style={{ width: 320 }} data-testid="preview-member" />
            <Select value={locale} onChange={setLocale} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]} />
            <Button onClick={() => void runPreview()} data-testid="preview-run">{t('messaging.templates.previewRun')}</Button>
          </Space>
          {preview && (
            <Descriptions column={1} size="small" style={{ marginTop: 12 }} bordered>
              <Descriptions.Item label={t('messaging.templates.variantUsed')}>{preview.variant ?? t('messaging.templates.defaultBodies')} · {preview.locale}</Descriptions.Item>
              {preview.subject !== null && <Descriptions.Item label={t('messaging.templates.subject')}>{preview.subject}</Descriptions.Item>}
              <Descriptions.Item label={t('messaging.templates.body')}><pre style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="preview-body">{preview.text ?? preview.body}</pre></Descriptions.Item>
              {preview.link && <Descriptions.Item label={t('messaging.templates.link')}>{preview.link}</Descriptions.Item>}
              {Object.entries(preview.fields).map(([k, v]) => <Descriptions.Item key={k} label={k}>{v}</Descriptions.Item>)}
            </Descriptions>
          )}
        </Card>
      )}
    </Drawer>
  );
}
