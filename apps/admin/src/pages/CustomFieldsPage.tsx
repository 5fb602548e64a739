import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { customFieldTypes } from '@hearth/contracts/members';
import { api } from '../api.ts';

interface CustomField {
  key: string;
  label: string;
  type: (typeof customFieldTypes)[number];
  options?: string[];
}

/** The brand's own member fields (宝宝月龄, 口味 …): typed, validated on every write, filterable in the member list. */
export function CustomFieldsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [fields, setFields] = useState<CustomField[]>([]);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<CustomField & { optionsText?: string }>();
  const type = Form.useWatch('type', form);

  const load = useCallback(() => api<{ data: CustomField[] }>('/member-custom-fields').then((r) => setFields(r.data)), []);
  useEffect(() => void load(), [load]);

  const save = async () => {
    const { optionsText, ...values } = await form.validateFields();
    const options = optionsText?.split(/[,，\n]/).map((o) => o.trim()).filter(Boolean);
    try {
      await api('/member-custom-fields', { method: 'POST', body: { ...values, ...(values.type === 'enum' && { options }) }, idempotent: true });
      setCreating(false);
      form.resetFields();
      await load();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Card title={t('customFields.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('customFields.create')}</Button>}>
      <Table<CustomField>
        rowKey="key"
        dataSource={fields}
        pagination={false}
        columns={[
          { title: t('customFields.key'), dataIndex: 'key' },
          { title: t('customFields.label'), dataIndex: 'label' },
          { title: t('customFields.type'), dataIndex: 'type', render: (v: string) => t(`customFields.types.${v}`) },
          { title: t('customFields.options'), dataIndex: 'options', render: (v?: string[]) => v?.map((o) => <Tag key={o}>{o}</Tag>) ?? '—' },
        ]}
      />
      <Modal title={t('customFields.create')} open={creating} onOk={save} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ type: 'text' }}>
          <Form.Item name="key" label={t('customFields.key')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('customFields.keyRule') }]}>
            <Input placeholder="baby_months" />
          </Form.Item>
          <Form.Item name="label" label={t('customFields.label')} rules={[{ required: true, max: 50 }]}>
            <Input placeholder="宝宝月龄" />
          </Form.Item>
          <Form.Item name="type" label={t('customFields.type')}>
            <Select options={customFieldTypes.map((v) => ({ value: v, label: t(`customFields.types.${v}`) }))} />
          </Form.Item>
          {type === 'enum' && (
            <Form.Item name="optionsText" label={t('customFields.options')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} placeholder="甜，咸，辣" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
