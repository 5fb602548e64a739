import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, Col, Empty, Form, InputNumber, Modal, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { serviceStatuses, serviceTypes, type serviceSettingsSchema, type deskTicketSchema, type slaSummarySchema } from '@hearth/contracts/service';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { problemText } from './after-sales-shared.tsx';
import { NewTicketModal, TicketDrawer } from './ServiceTicketDrawer.tsx';
import { slaColor, SlaTags, statusColor, useAssignees } from './service-shared.tsx';

type Ticket = z.infer<typeof deskTicketSchema>;
type Summary = z.infer<typeof slaSummarySchema>;
const slaStates = ['ok', 'due_soon', 'breached'] as const;

/** 售后服务台: open tickets by SLA state, the filtered list, a ticket's detail and flow, SLA hours per type. */
export function ServiceDeskPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const { stores, operators } = useAssignees();
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const [summary, setSummary] = useState<Summary | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [settings, setSettings] = useState(false);
  const list = useCursorList<Ticket>('/service/tickets', filters);
  const { store_id, operator_id } = filters;
  const loadSummary = useCallback(() => {
    const params = new URLSearchParams(Object.entries({ store_id, operator_id }).filter((e): e is [string, string] => !!e[1]));
    void api<Summary>(`/service/sla-summary${params.size ? `?${params}` : ''}`).then(setSummary, (e: unknown) => message.error(problemText(t, 'service', e)));
  }, [store_id, operator_id, message, t]);
  useEffect(loadSummary, [loadSummary]);
  const refresh = () => {
    list.reload();
    loadSummary();
  };
  const set = (key: string) => (value: string | undefined) => setFilters((f) => ({ ...f, [key]: value }));
  const storeName = (id: string | null) => (id ? (stores.find((s) => s.id === id)?.name ?? id.slice(0, 8)) : '—');
  const operatorName = (id: string | null) => (id ? (operators.find((o) => o.id === id)?.name ?? id.slice(0, 8)) : '—');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="service-desk">
      <Row gutter={16}>
        <Col span={6}><Card size="small" hoverable onClick={() => set('sla')(undefined)}><Statistic title={t('service.open')} value={summary?.open ?? '—'} /></Card></Col>
        {slaStates.map((state) => (
          <Col span={6} key={state}>
            <Card size="small" hoverable onClick={() => set('sla')(state)} style={filters.sla === state ? { borderColor: '#c2410c' } : undefined} data-testid={`sla-${state}`}>
              <Statistic title={<Tag color={slaColor[state]}>{t(`service.sla.${state}`)}</Tag>} value={summary?.[state] ?? '—'} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {summary?.by_type.filter((r) => r[state] > 0).map((r) => `${t(`service.type.${r.type}`)} ${r[state]}`).join(' · ') || ' '}
              </Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Card
        title={t('service.title')}
        extra={
          <Space>
            <Button icon={<SettingOutlined />} onClick={() => setSettings(true)}>{t('service.settings')}</Button>
            {can('service:manage') && can('members:read') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="service-create">{t('service.create')}</Button>}
          </Space>
        }
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Select allowClear placeholder={t('service.typeFilter')} style={{ width: 120 }} value={filters.type} onChange={set('type')} options={serviceTypes.map((v) => ({ value: v, label: t(`service.type.${v}`) }))} />
          <Select allowClear placeholder={t('service.statusFilter')} style={{ width: 120 }} value={filters.status} onChange={set('status')} options={serviceStatuses.map((v) => ({ value: v, label: t(`service.status.${v}`) }))} data-testid="service-status-filter" />
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('service.storeFilter')} style={{ width: 180 }} value={filters.store_id} onChange={set('store_id')} options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          <Select allowClear placeholder={t('service.assigneeFilter')} style={{ width: 150 }} value={filters.operator_id} onChange={set('operator_id')} options={operators.map((o) => ({ value: o.id, label: o.name }))} />
          <Select allowClear placeholder={t('service.slaFilter')} style={{ width: 130 }} value={filters.sla} onChange={set('sla')} options={slaStates.map((v) => ({ value: v, label: t(`service.sla.${v}`) }))} />
        </Space>
        <Table<Ticket>
          rowKey="id"
          size="middle"
          loading={list.loading && !list.rows.length}
          dataSource={list.rows}
          pagination={false}
          data-testid="service-tickets"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('service.createdAt'), render: (_, r) => formatTime(r.created_at), width: 170 },
            { title: t('service.typeFilter'), render: (_, r) => <Tag>{t(`service.type.${r.type}`)}</Tag> },
            { title: t('service.subject'), render: (_, r) => <Typography.Text strong>{r.subject}</Typography.Text> },
            { title: t('service.member'), render: (_, r) => <Link to={`/members/${r.member_id}`} onClick={(e) => e.stopPropagation()}>{r.member_no ?? r.member_id.slice(0, 8)}</Link> },
            { title: t('common.status'), render: (_, r) => <Tag color={statusColor[r.status]}>{t(`service.status.${r.status}`)}</Tag> },
            { title: t('service.slaState'), render: (_, r) => <SlaTags ticket={r} /> },
            { title: t('service.storeFilter'), render: (_, r) => storeName(r.store_id) },
            { title: t('service.assigneeFilter'), render: (_, r) => operatorName(r.operator_id) },
          ]}
        />
        {list.hasMore && <Button style={{ marginTop: 12 }} onClick={list.loadMore} loading={list.loading}>{t('common.loadMore')}</Button>}
      </Card>
      {open && <TicketDrawer id={open} stores={stores} operators={operators} onClose={() => setOpen(null)} onChanged={refresh} />}
      {creating && <NewTicketModal onClose={() => setCreating(false)} onCreated={(id) => { refresh(); setOpen(id); }} />}
      {settings && <SlaSettingsModal onClose={() => setSettings(false)} />}
    </Space>
  );
}

type Settings = z.infer<typeof serviceSettingsSchema>;

function SlaSettingsModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<Settings['sla']>();
  useEffect(() => {
    api<Settings>('/service/settings').then((s) => form.setFieldsValue(s.sla), (e: unknown) => message.error(problemText(t, 'service', e)));
  }, [form, message, t]);
  const save = async () => {
    const v = await form.validateFields();
    // A type with neither field set keeps the default hours.
    const sla = Object.fromEntries(Object.entries(v).filter(([, h]) => h?.accept_hours && h?.resolve_hours));
    try {
      await api('/service/settings', { method: 'PUT', body: { sla } });
      message.success(t('common.saved'));
      onClose();
    } catch (error) {
      message.error(problemText(t, 'service', error));
    }
  };
  return (
    <Modal open title={t('service.settings')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} okButtonProps={{ disabled: !can('service:manage') }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('service.settingsHint')}</Typography.Paragraph>
      <Form form={form} layout="horizontal" labelCol={{ span: 6 }}>
        {serviceTypes.map((type) => (
          <Form.Item key={type} label={t(`service.type.${type}`)} style={{ marginBottom: 8 }}>
            <Space>
              <Form.Item name={[type, 'accept_hours']} noStyle><InputNumber min={1} max={720} precision={0} placeholder="4" /></Form.Item>
              <Typography.Text type="secondary">{t('service.acceptHours')}</Typography.Text>
              <Form.Item name={[type, 'resolve_hours']} noStyle><InputNumber min={1} max={2160} precision={0} placeholder="48" /></Form.Item>
              <Typography.Text type="secondary">{t('service.resolveHours')}</Typography.Text>
            </Space>
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
