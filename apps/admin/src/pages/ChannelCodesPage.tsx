import { useState } from 'react';
import { Alert, App, Button, DatePicker, Drawer, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ChannelCode, ChannelCodeFunnel } from '@hearth/contracts/channel-codes';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { useGroupOptions, usePools } from './group-shared.ts';

const sources = ['store', 'staff', 'campaign', 'partner'] as const;
const targets = ['member_center', 'official_account', 'wecom_contact', 'group'] as const;
const steps = ['scans', 'scanners', 'follows', 'registrations', 'first_orders'] as const;

/** 渠道活码: codes with their source and target, the QR download and each code's funnel. */
export function ChannelCodesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('channel_codes:manage');
  const list = useCursorList<ChannelCode>('/channel-codes', {});
  const [creating, setCreating] = useState(false);
  const [funnelOf, setFunnelOf] = useState<ChannelCode | null>(null);

  const archive = async (code: ChannelCode) => {
    try {
      await api(`/channel-codes/${code.id}`, { method: 'PATCH', body: { status: 'archived' } });
      list.reload();
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <h2 style={{ margin: 0 }}>{t('acquisition.codes.title')}</h2>
        {writable && <Button type="primary" onClick={() => setCreating(true)}>{t('acquisition.codes.create')}</Button>}
      </Space>
      <Alert type="info" showIcon message={t('acquisition.codes.hint')} />
      <Table<ChannelCode>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: t('acquisition.codes.empty') }}
        columns={[
          { title: t('acquisition.codes.name'), dataIndex: 'name' },
          { title: t('acquisition.codes.source'), render: (_, c) => `${t(`acquisition.codes.sources.${c.source_kind}`)}${c.source_ref ? ` · ${c.source_ref}` : ''}` },
          { title: t('acquisition.codes.campaign'), dataIndex: 'campaign', render: (v: string | null) => v ?? '—' },
          { title: t('acquisition.codes.target'), render: (_, c) => t(`acquisition.codes.targets.${c.target_kind}`) },
          { title: t('acquisition.codes.status'), render: (_, c) => <Tag color={c.status === 'active' ? 'green' : 'default'}>{t(`acquisition.codes.statuses.${c.status}`)}</Tag> },
          {
            title: '',
            render: (_, c) => (
              <Space>
                <a href={`/api/v1/channel-codes/${c.id}/qr?format=${c.target_kind === 'wecom_contact' ? 'png' : 'svg'}`} target="_blank" rel="noreferrer">{t('acquisition.codes.qr')}</a>
                <a onClick={() => setFunnelOf(c)}>{t('acquisition.codes.funnel')}</a>
                {writable && c.status === 'active' && <a onClick={() => void archive(c)}>{t('acquisition.codes.archive')}</a>}
              </Space>
            ),
          },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore}>…</Button>}
      <CreateDrawer open={creating} onClose={() => setCreating(false)} onCreated={() => { setCreating(false); list.reload(); }} />
      {funnelOf && <FunnelModal code={funnelOf} onClose={() => setFunnelOf(null)} />}
    </Space>
  );
}

function CreateDrawer({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const target = Form.useWatch('target_kind', form) as (typeof targets)[number] | undefined;
  const [saving, setSaving] = useState(false);
  const save = async () => {
    const values = (await form.validateFields()) as Record<string, unknown> & { staff_user_ids?: string };
    setSaving(true);
    try {
      const staff = values.staff_user_ids?.split(/[\s,，]+/).filter(Boolean);
      await api('/channel-codes', { method: 'POST', idempotent: true, body: { ...values, staff_user_ids: staff?.length ? staff : undefined } });
      form.resetFields();
      onCreated();
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Drawer open={open} onClose={onClose} title={t('acquisition.codes.create')} width={480} destroyOnHidden extra={<Button type="primary" loading={saving} onClick={() => void save()}>{t('acquisition.codes.save')}</Button>}>
      <Form form={form} layout="vertical" initialValues={{ source_kind: 'store', target_kind: 'member_center' }}>
        <Form.Item name="name" label={t('acquisition.codes.name')} rules={[{ required: true, max: 100 }]}><Input /></Form.Item>
        <Form.Item name="source_kind" label={t('acquisition.codes.source')}><Select options={sources.map((s) => ({ value: s, label: t(`acquisition.codes.sources.${s}`) }))} /></Form.Item>
        <Form.Item name="source_ref" label={t('acquisition.codes.sourceRef')}><Input /></Form.Item>
        <Form.Item name="campaign" label={t('acquisition.codes.campaign')}><Input /></Form.Item>
        <Form.Item name="target_kind" label={t('acquisition.codes.target')}><Select options={targets.map((s) => ({ value: s, label: t(`acquisition.codes.targets.${s}`) }))} /></Form.Item>
        {target === 'wecom_contact' && <Form.Item name="staff_user_ids" label={t('acquisition.codes.staff')} rules={[{ required: true }]}><Input placeholder="zhangsan, lisi" /></Form.Item>}
        {target === 'group' && <Form.Item name="group_ref" label={t('acquisition.codes.group')} rules={[{ required: true }]}><GroupRefSelect /></Form.Item>}
        {target === 'member_center' && <Form.Item name="landing_path" label={t('acquisition.codes.landing')}><Input placeholder="/" /></Form.Item>}
      </Form>
    </Drawer>
  );
}

/** A routing pool (scans go to a group of it that is not full) or one group, picked by name. */
function GroupRefSelect(props: { value?: string; onChange?: (value: string) => void }) {
  const { t } = useTranslation();
  const { pools } = usePools();
  const groups = useGroupOptions();
  const options = [
    { label: t('acquisition.codes.pools'), options: pools.filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: p.name })) },
    { label: t('acquisition.codes.groups'), options: groups.filter((g) => g.status === 'active').map((g) => ({ value: g.id, label: g.name })) },
  ];
  return <Select {...props} showSearch optionFilterProp="label" options={options} />;
}

function FunnelModal({ code, onClose }: { code: ChannelCode; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(29, 'day'), dayjs()]);
  const [data, setData] = useState<ChannelCodeFunnel | null>(null);
  const load = async (from: Dayjs, to: Dayjs) => {
    try {
      setData(await api<ChannelCodeFunnel>(`/channel-codes/${code.id}/funnel?from=${from.format('YYYY-MM-DD')}&to=${to.format('YYYY-MM-DD')}`));
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  if (!data) void load(range[0], range[1]);
  return (
    <Modal open onCancel={onClose} footer={null} width={760} title={`${t('acquisition.codes.funnel')} · ${code.name}`}>
      <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => { if (v?.[0] && v[1]) { setRange([v[0], v[1]]); void load(v[0], v[1]); } }} />
      {data && (
        <Table
          style={{ marginTop: 16 }}
          size="small"
          rowKey="day"
          pagination={false}
          dataSource={[{ day: t('acquisition.codes.total'), ...data.totals }, ...data.days]}
          columns={[{ title: t('acquisition.codes.day'), dataIndex: 'day' }, ...steps.map((s) => ({ title: t(`acquisition.codes.steps.${s}`), dataIndex: s }))]}
        />
      )}
    </Modal>
  );
}
