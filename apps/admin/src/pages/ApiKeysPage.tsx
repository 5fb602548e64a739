import { useEffect, useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useCursorList } from '../use-cursor-list.ts';
import { formatTime } from '../format.ts';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const list = useCursorList<ApiKey>('/api-keys', {});
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [permissions, setPermissions] = useState<{ permission: string; description: string }[]>([]);
  const [form] = Form.useForm<{ name: string; scopes: string[] }>();

  useEffect(() => {
    void api<{ data: { permission: string; description: string }[] }>('/permissions').then((r) => setPermissions(r.data));
  }, []);

  const describe = (description: string) => description.split(' / ')[i18n.language === 'en' ? 1 : 0] ?? description;

  const create = async () => {
    const values = await form.validateFields();
    try {
      const created = await api<ApiKey & { secret: string }>('/api-keys', { method: 'POST', body: values, idempotent: true });
      setCreating(false);
      form.resetFields();
      setSecret(created.secret);
      await list.reload();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Card
      title={t('apiKeys.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('apiKeys.create')}
        </Button>
      }
    >
      <Table<ApiKey>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
          { title: t('apiKeys.scopes'), dataIndex: 'scopes', render: (v: string[]) => v.map((s) => <Tag key={s}>{s}</Tag>) },
          { title: t('apiKeys.lastUsed'), dataIndex: 'last_used_at', render: (v: string | null) => formatTime(v) },
          { title: t('common.status'), render: (_, k) => (k.revoked_at ? <Tag>{t('apiKeys.revoked')}</Tag> : <Tag color="green">{t('apiKeys.active')}</Tag>) },
          {
            title: t('common.actions'),
            render: (_, k) =>
              !k.revoked_at && (
                <Popconfirm title={t('apiKeys.confirmRevoke')} onConfirm={() => api(`/api-keys/${k.id}`, { method: 'DELETE' }).then(list.reload)}>
                  <Button type="link" danger size="small">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal title={t('apiKeys.create')} open={creating} onOk={create} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="scopes" label={t('apiKeys.scopes')} rules={[{ required: true }]}>
            <Select mode="multiple" options={permissions.map((p) => ({ value: p.permission, label: `${p.permission} · ${describe(p.description)}` }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title={t('apiKeys.secretTitle')} open={secret !== null} onOk={() => setSecret(null)} onCancel={() => setSecret(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Typography.Paragraph type="warning">{t('apiKeys.secretHint')}</Typography.Paragraph>
        <Typography.Paragraph code copyable>
          {secret}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
