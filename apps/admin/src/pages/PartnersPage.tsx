import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Partner } from '@hearth/contracts/partners';
import { api, ApiError } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { PartnerBenefitsTab } from './PartnerBenefitsTab.tsx';
import { PartnerUsageTab } from './PartnerUsageTab.tsx';
import { scarceErrorText } from './scarce-shared.tsx';

/** 异业联盟: partners, their benefits with code pools and stock, and the settlement statistics. */
export function PartnersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [partners, setPartners] = useState<Partner[] | null>(null);
  const load = useCallback(() => void api<{ data: Partner[] }>('/partners').then((r) => setPartners(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  return (
    <Card title={t('partners.title')} data-testid="partners-page">
      <Tabs
        items={[
          { key: 'partners', label: t('partners.tabs.partners'), children: <PartnersTab partners={partners} reload={load} /> },
          { key: 'benefits', label: t('partners.tabs.benefits'), children: <PartnerBenefitsTab partners={partners ?? []} /> },
          { key: 'usage', label: t('partners.tabs.usage'), children: <PartnerUsageTab partners={partners ?? []} /> },
        ]}
      />
    </Card>
  );
}

function PartnersTab({ partners, reload }: { partners: Partner[] | null; reload: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const writable = can('partners:manage');
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const [form] = Form.useForm();

  const open = (p: Partner | 'new') => {
    setEditing(p);
    form.setFieldsValue(p === 'new' ? { name: '', industry: '', contact_name: '', contact_phone: '', contact_email: '', settlement_terms: '', callback_url: '' } : p);
  };
  const save = async () => {
    const values = await form.validateFields();
    const body = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' ? null : v]));
    try {
      if (editing === 'new') await api('/partners', { method: 'POST', body, idempotent: true });
      else if (editing) await api(`/partners/${editing.id}`, { method: 'PATCH', body });
      message.success(t('common.saved'));
      setEditing(null);
      reload();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, errors]) => ({ name, errors: [errors] })));
      message.error(scarceErrorText(t, error));
    }
  };
  const setStatus = (p: Partner, status: Partner['status']) => void api(`/partners/${p.id}`, { method: 'PATCH', body: { status } }).then(reload, (e: Error) => message.error(e.message));
  const rotate = (p: Partner) =>
    void api<{ secret: string }>(`/partners/${p.id}/secret`, { method: 'POST' }).then(
      (r) => {
        reload();
        modal.success({ title: t('partners.secretTitle'), width: 560, content: <Space orientation="vertical"><Typography.Text type="secondary">{t('partners.secretHint')}</Typography.Text><Typography.Text code copyable data-testid="partner-secret">{r.secret}</Typography.Text></Space> });
      },
      (e: unknown) => message.error(scarceErrorText(t, e)),
    );

  return (
    <>
      {writable && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} style={{ marginBottom: 16 }} data-testid="partner-create">
          {t('partners.create')}
        </Button>
      )}
      <Table<Partner>
        rowKey="id"
        loading={!partners}
        dataSource={partners ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('partners.empty')} /> }}
        columns={[
          { title: t('partners.name'), render: (_, p) => <Space orientation="vertical" size={0}><Typography.Text strong>{p.name}</Typography.Text>{p.industry && <Typography.Text type="secondary">{p.industry}</Typography.Text>}</Space> },
          { title: t('partners.contactName'), render: (_, p) => [p.contact_name, p.contact_phone, p.contact_email].filter(Boolean).join(' · ') || '—' },
          { title: t('partners.settlementTerms'), dataIndex: 'settlement_terms', render: (v: string | null) => <Typography.Text ellipsis style={{ maxWidth: 220 }}>{v ?? '—'}</Typography.Text> },
          { title: t('partners.secret'), render: (_, p) => <Space orientation="vertical" size={0}><Tag color={p.has_secret ? 'green' : 'default'}>{p.has_secret ? t('partners.secretSet') : t('partners.secretNone')}</Tag>{p.callback_url && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.callback_url}</Typography.Text>}</Space> },
          { title: t('common.status'), dataIndex: 'status', render: (s: Partner['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`partners.status.${s}`)}</Tag> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, p) =>
              writable && (
                <Space>
                  <Button size="small" onClick={() => open(p)}>{t('common.edit')}</Button>
                  <Popconfirm title={t('partners.rotateConfirm')} onConfirm={() => rotate(p)}>
                    <Button size="small" icon={<KeyOutlined />}>{t('partners.rotateSecret')}</Button>
                  </Popconfirm>
                  <Button size="small" onClick={() => setStatus(p, p.status === 'active' ? 'archived' : 'active')}>{p.status === 'active' ? t('partners.archive') : t('partners.restore')}</Button>
                </Space>
              ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('partners.create') : t('partners.edit')} onCancel={() => setEditing(null)} onOk={() => void save()} okText={t('common.save')} okButtonProps={{ 'data-testid': 'partner-save' }} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('partners.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} data-testid="partner-name" /></Form.Item>
          <Form.Item name="industry" label={t('partners.industry')}><Input maxLength={50} placeholder="影院 / 洗车 / 视频会员" /></Form.Item>
          <Space.Compact block>
            <Form.Item name="contact_name" label={t('partners.contactName')} style={{ flex: 1 }}><Input maxLength={50} /></Form.Item>
            <Form.Item name="contact_phone" label={t('partners.contactPhone')} style={{ flex: 1 }}><Input maxLength={30} /></Form.Item>
          </Space.Compact>
          <Form.Item name="contact_email" label={t('partners.contactEmail')}><Input /></Form.Item>
          <Form.Item name="settlement_terms" label={t('partners.settlementTerms')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
          <Form.Item name="callback_url" label={t('partners.callbackUrl')} extra={t('partners.callbackHint')}><Input placeholder="https://" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
