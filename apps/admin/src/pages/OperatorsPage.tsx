import { useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { roles, type Operator, type Role } from '@hearth/contracts/auth';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';

export function OperatorsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const list = useCursorList<Operator>('/operators', {});
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ email: string; name: string; role: Role; password: string }>();
  // Only an owner may hand out the owner role.
  const grantable = roles.filter((r) => r !== 'owner' || session?.operator.role === 'owner');

  const change = async (operator: Operator, body: Partial<Pick<Operator, 'role' | 'status'>>) => {
    await api(`/operators/${operator.id}`, { method: 'PATCH', body }).then(
      () => message.success(t('common.saved')),
      (e: Error) => message.error(e.message),
    );
    await list.reload();
  };

  const create = async () => {
    const values = await form.validateFields();
    try {
      await api('/operators', { method: 'POST', body: values, idempotent: true });
      setCreating(false);
      form.resetFields();
      await list.reload();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Card
      title={t('operators.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('operators.create')}
        </Button>
      }
    >
      <Table<Operator>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('operators.name'), dataIndex: 'name' },
          { title: t('operators.email'), dataIndex: 'email' },
          {
            title: t('operators.role'),
            render: (_, o) => (
              <Select
                size="small"
                style={{ width: 140 }}
                value={o.role}
                disabled={o.id === session?.operator.id || !grantable.includes(o.role)}
                onChange={(role) => change(o, { role })}
                options={(o.role === 'owner' && !grantable.includes('owner') ? roles : grantable).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              />
            ),
          },
          { title: t('common.status'), render: (_, o) => <Tag color={o.status === 'active' ? 'green' : 'default'}>{t(`operators.status.${o.status}`)}</Tag> },
          { title: t('operators.lastLogin'), dataIndex: 'last_login_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, o) =>
              o.id !== session?.operator.id && (
                <Button size="small" type="link" onClick={() => change(o, { status: o.status === 'active' ? 'disabled' : 'active' })}>
                  {o.status === 'active' ? t('operators.disable') : t('operators.enable')}
                </Button>
              ),
          },
        ]}
      />
      <Modal title={t('operators.create')} open={creating} onOk={create} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ role: 'operator' }}>
          <Form.Item name="name" label={t('operators.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="email" label={t('operators.email')} rules={[{ required: true, type: 'email' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('operators.role')}>
            <Select options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
          </Form.Item>
          <Form.Item name="password" label={t('operators.password')} rules={[{ required: true, min: 10 }]}>
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
