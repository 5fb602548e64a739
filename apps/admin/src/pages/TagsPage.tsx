import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Form, Input, Modal, Radio, Row, Space, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';

interface TagGroup {
  id: string;
  name: string;
  tags: { id: string; name: string; member_count?: number }[];
}

export function TagsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [groups, setGroups] = useState<TagGroup[]>([]);
  const [creating, setCreating] = useState<{ kind: 'group' } | { kind: 'tag'; groupId: string } | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const [bulk, setBulk] = useState<{ id: string; name: string } | null>(null);

  const load = useCallback(() => api<{ data: TagGroup[] }>('/tag-groups').then((r) => setGroups(r.data)), []);
  useEffect(() => void load(), [load]);

  const save = async () => {
    const { name } = await form.validateFields();
    try {
      if (creating?.kind === 'group') await api('/tag-groups', { method: 'POST', body: { name }, idempotent: true });
      if (creating?.kind === 'tag') await api('/tags', { method: 'POST', body: { group_id: creating.groupId, name }, idempotent: true });
      setCreating(null);
      form.resetFields();
      await load();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Card
      title={t('tagsPage.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating({ kind: 'group' })}>
          {t('tagsPage.newGroup')}
        </Button>
      }
    >
      <Row gutter={[16, 16]}>
        {groups.map((group) => (
          <Col xs={24} md={12} xl={8} key={group.id}>
            <Card size="small" title={group.name} extra={<Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setCreating({ kind: 'tag', groupId: group.id })}>{t('tagsPage.newTag')}</Button>}>
              <Space wrap>
                {group.tags.map((tag) => (
                  <Tag key={tag.id} style={{ cursor: 'pointer' }} onClick={() => setBulk({ id: tag.id, name: `${group.name} · ${tag.name}` })} title={t('tagsPage.bulk')}>
                    {tag.name} <Typography.Text type="secondary">{tag.member_count ?? 0}</Typography.Text>
                  </Tag>
                ))}
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      <Modal title={creating?.kind === 'group' ? t('tagsPage.newGroup') : t('tagsPage.newTag')} open={creating !== null} onOk={save} onCancel={() => setCreating(null)} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={creating?.kind === 'group' ? t('tagsPage.group') : t('tagsPage.tag')} rules={[{ required: true, max: 50 }]}>
            <Input autoFocus />
          </Form.Item>
        </Form>
      </Modal>
      <BulkTagModal tag={bulk} onClose={() => setBulk(null)} onDone={() => void load()} />
    </Card>
  );
}

/** Adds or removes a tag for every member whose phone is listed (pasted, or a CSV with a phone column). */
function BulkTagModal({ tag, onClose, onDone }: { tag: { id: string; name: string } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [phones, setPhones] = useState('');
  const [action, setAction] = useState<'add' | 'remove'>('add');
  const submit = async () => {
    try {
      const result = await api<{ matched: number; changed: number; not_found: number }>(`/tags/${tag!.id}/members`, { method: 'POST', body: { action, phones_csv: phones }, idempotent: true });
      message.success(t('tagsPage.bulkResult', { matched: result.matched, changed: result.changed, notFound: result.not_found }));
      setPhones('');
      onDone();
      onClose();
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  return (
    <Modal title={`${t('tagsPage.bulk')} · ${tag?.name ?? ''}`} open={tag !== null} onOk={submit} onCancel={onClose} okButtonProps={{ disabled: !phones.trim() }} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={action} onChange={(e) => setAction(e.target.value)} options={[{ value: 'add', label: t('tagsPage.add') }, { value: 'remove', label: t('tagsPage.remove') }]} />
        <Typography.Text type="secondary">{t('tagsPage.bulkHint')}</Typography.Text>
        <Input.TextArea rows={8} value={phones} onChange={(e) => setPhones(e.target.value)} placeholder={'13800138000\n13900139000'} />
        <input type="file" accept=".csv,text/csv" onChange={(e) => void e.target.files?.[0]?.text().then(setPhones)} />
      </Space>
    </Modal>
  );
}
