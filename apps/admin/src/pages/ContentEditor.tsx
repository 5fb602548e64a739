import { useEffect, useState } from 'react';
import { App, Button, Col, DatePicker, Drawer, Form, Input, Row, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { contentKinds, type Content, type ContentInput } from '@hearth/contracts/content';
import { api, ApiError } from '../api.ts';
import { renderMarkdown } from '../markdown.ts';
import { useSession } from '../session.tsx';

interface Values extends Omit<ContentInput, 'publish_at' | 'unpublish_at'> {
  publish_at?: Dayjs | null;
  unpublish_at?: Dayjs | null;
}

// The pickers show the brand's wall clock: an instant is turned into the zone's local time for editing, and the
// picked wall clock is read back in that zone, so an operator abroad still schedules in the brand's time.
const toPicker = (iso: string | null, zone: string) => (iso ? dayjs(dayjs(iso).tz(zone).format('YYYY-MM-DDTHH:mm:ss')) : null);
const fromPicker = (d: Dayjs | null | undefined, zone: string) => (d ? dayjs.tz(d.format('YYYY-MM-DDTHH:mm:ss'), zone).toISOString() : null);

/** Edit a content item beside its rendered preview; save, publish or archive it. */
export function ContentEditor({ item, zone, onClose, onSaved }: { item: Content | null; zone: string; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<Values>();
  const [current, setCurrent] = useState(item);
  const [segments, setSegments] = useState<{ id: string; name: string }[]>([]);
  const values = Form.useWatch([], form) as Values | undefined;
  useEffect(() => void api<{ data: { id: string; name: string }[] }>('/segments?status=active&limit=200').then((r) => setSegments(r.data), () => setSegments([])), []);

  const save = async (): Promise<Content | undefined> => {
    const v = await form.validateFields();
    const body = { ...v, summary: v.summary || null, video_url: v.video_url || null, cover_url: v.cover_url || null, audience_segment_id: v.audience_segment_id ?? null, publish_at: fromPicker(v.publish_at, zone), unpublish_at: fromPicker(v.unpublish_at, zone) };
    try {
      const saved = current ? await api<Content>(`/content/${current.id}`, { method: 'PUT', body }) : await api<Content>('/content', { method: 'POST', body, idempotent: true });
      setCurrent(saved);
      message.success(t('common.saved'));
      onSaved();
      return saved;
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([field, text]) => ({ name: field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [text] })) as never);
      message.error(error instanceof ApiError ? (Object.values(error.fieldErrors)[0] ?? error.message) : (error as Error).message);
    }
  };
  const change = (action: 'publish' | 'archive') => async () => {
    const saved = await save();
    if (!saved) return;
    setCurrent(await api<Content>(`/content/${saved.id}/${action}`, { method: 'POST' }));
    onSaved();
  };
  const writable = can('content:manage');
  const initial: Partial<Values> = current
    ? { ...current, publish_at: toPicker(current.publish_at, zone), unpublish_at: toPicker(current.unpublish_at, zone) }
    : { kind: 'article', body: '', tags: [], skus: [] };
  return (
    <Drawer
      open
      width={1100}
      title={
        <Space>
          {current ? t('content.edit') : t('content.create')}
          {current && <Tag>{t(`content.status.${current.status}`)}</Tag>}
        </Space>
      }
      onClose={onClose}
      extra={
        writable && (
          <Space>
            <Button onClick={() => void save()} data-testid="content-save">{t('common.save')}</Button>
            {current?.status !== 'published' && <Button type="primary" onClick={() => modal.confirm({ title: t('content.publishConfirm'), onOk: change('publish') })} data-testid="content-publish">{t('content.publish')}</Button>}
            {current?.status === 'published' && <Button danger onClick={() => void change('archive')()}>{t('content.archive')}</Button>}
          </Space>
        )
      }
    >
      <Row gutter={24}>
        <Col span={13}>
          <Form form={form} layout="vertical" initialValues={initial} disabled={!writable}>
            <Space wrap>
              <Form.Item name="kind" label={t('content.kind')} rules={[{ required: true }]}><Select style={{ width: 140 }} options={contentKinds.map((k) => ({ value: k, label: t(`content.kinds.${k}`) }))} /></Form.Item>
              <Form.Item name="title" label={t('content.fields.title')} rules={[{ required: true, whitespace: true }]}><Input maxLength={200} style={{ width: 420 }} data-testid="content-title" /></Form.Item>
            </Space>
            <Form.Item name="summary" label={t('content.fields.summary')}><Input maxLength={500} /></Form.Item>
            <Form.Item name="cover_url" label={t('content.fields.coverUrl')} rules={[{ type: 'url' }]}><Input placeholder="https://" /></Form.Item>
            {values?.kind === 'video' && <Form.Item name="video_url" label={t('content.fields.videoUrl')} rules={[{ required: true, type: 'url' }]}><Input placeholder="https://" /></Form.Item>}
            <Form.Item name="body" label={t('content.fields.body')}><Input.TextArea rows={12} maxLength={100_000} data-testid="content-body" /></Form.Item>
            <Space wrap>
              <Form.Item name="tags" label={t('content.fields.tags')}><Select mode="tags" style={{ width: 260 }} maxCount={20} /></Form.Item>
              <Form.Item name="skus" label={t('content.fields.skus')}><Select mode="tags" style={{ width: 260 }} maxCount={50} /></Form.Item>
            </Space>
            <Form.Item name="audience_segment_id" label={t('content.fields.audience')}>
              <Select allowClear placeholder={t('content.everyone')} options={segments.map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
            <Typography.Paragraph type="secondary">{t('content.scheduleHint', { zone })}</Typography.Paragraph>
            <Space wrap>
              <Form.Item name="publish_at" label={t('content.fields.publishAt')}><DatePicker showTime format="YYYY-MM-DD HH:mm" /></Form.Item>
              <Form.Item name="unpublish_at" label={t('content.fields.unpublishAt')}><DatePicker showTime format="YYYY-MM-DD HH:mm" /></Form.Item>
            </Space>
          </Form>
        </Col>
        <Col span={11}>
          <Typography.Title level={5}>{t('content.preview')}</Typography.Title>
          {/* A phone-width frame: what the member center shows. */}
          <div style={{ width: 375, maxWidth: '100%', border: '1px solid #f0f0f0', borderRadius: 12, padding: 16, background: '#fff' }} data-testid="content-preview">
            {values?.cover_url && <img src={values.cover_url} alt="" style={{ width: '100%', borderRadius: 8, marginBottom: 12 }} />}
            <Typography.Title level={4} style={{ marginTop: 0 }}>{values?.title}</Typography.Title>
            {values?.summary && <Typography.Paragraph type="secondary">{values.summary}</Typography.Paragraph>}
            {values?.kind === 'video' && values.video_url && <video src={values.video_url} controls style={{ width: '100%' }} />}
            <div className="hearth-markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(values?.body ?? '') }} />
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}
