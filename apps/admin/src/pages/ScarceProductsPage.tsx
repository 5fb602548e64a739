import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Ballot, BallotVerification as Verification, Launch } from '@hearth/contracts/pricing';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { EligibilityInput, EligibilityTags, scarceErrorText } from './scarce-shared.tsx';

/** Limited launches with a priority window for paid members, and ballots drawn from a published seed. */
export function ScarceProductsPage() {
  const { t } = useTranslation();
  return (
    <Card title={t('pricing.launches.title')} data-testid="scarce-products">
      <Tabs items={[
        { key: 'launches', label: t('pricing.launches.tabs.launches'), children: <LaunchesTab /> },
        { key: 'ballots', label: t('pricing.launches.tabs.ballots'), children: <BallotsTab /> },
      ]} />
    </Card>
  );
}

function LaunchesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [launches, setLaunches] = useState<Launch[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();
  const load = useCallback(() => void api<{ data: Launch[] }>('/launches').then((r) => setLaunches(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  const create = async () => {
    const v = (await form.validateFields()) as Omit<Launch, 'opens_at' | 'closes_at'> & { opens_at: Dayjs; closes_at?: Dayjs };
    try {
      await api('/launches', { method: 'POST', idempotent: true, body: { ...v, sku: v.sku.trim(), opens_at: v.opens_at.toISOString(), closes_at: v.closes_at?.toISOString() ?? null } });
      message.success(t('common.saved'));
      setCreating(false);
      load();
    } catch (error) {
      message.error(scarceErrorText(t, error));
    }
  };
  return (
    <>
      {can('pricing:manage') && (
        <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 16 }} data-testid="launch-create" onClick={() => { form.setFieldsValue({ name: '', sku: '', quantity: 100, early_hours: 24, per_member_limit: 1, early_eligibility: { paid_members: true } }); setCreating(true); }}>
          {t('pricing.launches.create')}
        </Button>
      )}
      <Table<Launch>
        rowKey="id"
        loading={!launches}
        dataSource={launches ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pricing.launches.empty')} /> }}
        columns={[
          { title: t('pricing.launches.name'), render: (_, l) => <Space orientation="vertical" size={0}><Typography.Text strong>{l.name}</Typography.Text><Typography.Text code>{l.sku}</Typography.Text></Space> },
          { title: t('pricing.launches.quantity'), dataIndex: 'quantity', align: 'right' },
          { title: t('pricing.launches.reserved'), dataIndex: 'reserved', align: 'right' },
          { title: t('pricing.launches.remaining'), dataIndex: 'remaining', align: 'right', render: (n: number) => <Tag color={n ? 'green' : 'red'}>{n}</Tag> },
          { title: t('pricing.launches.earlyOpensAt'), render: (_, l) => (l.early_hours ? <Space orientation="vertical" size={0}>{formatTime(l.early_opens_at)}<EligibilityTags value={l.early_eligibility} /></Space> : '—') },
          { title: t('pricing.launches.opensAt'), dataIndex: 'opens_at', render: formatTime },
          { title: t('pricing.launches.perMemberLimit'), dataIndex: 'per_member_limit', align: 'right' },
        ]}
      />
      <Modal open={creating} title={t('pricing.launches.create')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('pricing.launches.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="sku" label={t('pricing.launches.sku')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} /></Form.Item>
          <Space>
            <Form.Item name="quantity" label={t('pricing.launches.quantity')} rules={[{ required: true }]}><InputNumber min={1} precision={0} /></Form.Item>
            <Form.Item name="per_member_limit" label={t('pricing.launches.perMemberLimit')}><InputNumber min={1} max={100} precision={0} /></Form.Item>
            <Form.Item name="early_hours" label={t('pricing.launches.earlyHours')}><InputNumber min={0} max={720} precision={0} /></Form.Item>
          </Space>
          <Space.Compact block>
            <Form.Item name="opens_at" label={t('pricing.launches.opensAt')} rules={[{ required: true }]} style={{ flex: 1 }}><DatePicker showTime style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="closes_at" label={t('pricing.launches.closesAt')} style={{ flex: 1 }}><DatePicker showTime style={{ width: '100%' }} /></Form.Item>
          </Space.Compact>
          <Form.Item name="early_eligibility" label={t('pricing.launches.earlyWho')}><EligibilityInput /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function BallotsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [ballots, setBallots] = useState<Ballot[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [form] = Form.useForm();
  const load = useCallback(() => void api<{ data: Ballot[] }>('/ballots').then((r) => setBallots(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  const create = async () => {
    const v = (await form.validateFields()) as { name: string; sku: string; quantity: number; window: [Dayjs, Dayjs]; eligibility: object };
    try {
      await api('/ballots', { method: 'POST', idempotent: true, body: { name: v.name, sku: v.sku.trim(), quantity: v.quantity, eligibility: v.eligibility, entry_opens_at: v.window[0].toISOString(), entry_closes_at: v.window[1].toISOString() } });
      message.success(t('common.saved'));
      setCreating(false);
      load();
    } catch (error) {
      message.error(scarceErrorText(t, error));
    }
  };
  const draw = (b: Ballot) => void api(`/ballots/${b.id}/draw`, { method: 'POST' }).then(() => { message.success(t('pricing.ballots.drawn')); load(); }, (e: unknown) => message.error(scarceErrorText(t, e)));
  const verify = (b: Ballot) => void api<Verification>(`/ballots/${b.id}/verification`).then(setVerification, (e: unknown) => message.error(scarceErrorText(t, e)));
  const memberNo = (v: Verification, id: string) => v.entries.find((e) => e.entrant_id === id)?.member_no ?? id;

  return (
    <>
      {can('pricing:manage') && (
        <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 16 }} data-testid="ballot-create" onClick={() => { form.setFieldsValue({ name: '', sku: '', quantity: 10, eligibility: {} }); setCreating(true); }}>
          {t('pricing.ballots.create')}
        </Button>
      )}
      <Table<Ballot>
        rowKey="id"
        loading={!ballots}
        dataSource={ballots ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pricing.ballots.empty')} /> }}
        columns={[
          { title: t('pricing.ballots.name'), render: (_, b) => <Space orientation="vertical" size={0}><Typography.Text strong>{b.name}</Typography.Text><Typography.Text code>{b.sku}</Typography.Text></Space> },
          { title: t('pricing.ballots.window'), render: (_, b) => `${formatTime(b.entry_opens_at)} ~ ${formatTime(b.entry_closes_at)}` },
          { title: t('pricing.ballots.eligibility'), render: (_, b) => <EligibilityTags value={b.eligibility} /> },
          { title: t('pricing.ballots.quantity'), dataIndex: 'quantity', align: 'right' },
          { title: t('pricing.ballots.entries'), dataIndex: 'entries', align: 'right' },
          { title: t('pricing.ballots.winners'), dataIndex: 'winners', align: 'right' },
          { title: t('common.status'), dataIndex: 'status', render: (s: Ballot['status']) => <Tag color={s === 'drawn' ? 'blue' : 'green'}>{t(`pricing.ballots.status.${s}`)}</Tag> },
          { title: t('pricing.ballots.seedHash'), dataIndex: 'seed_hash', render: (h: string) => <Typography.Text code copyable={{ text: h }}>{h.slice(0, 12)}…</Typography.Text> },
          {
            title: t('common.actions'),
            render: (_, b) =>
              b.status === 'open' ? (
                can('pricing:manage') && (
                  <Popconfirm title={t('pricing.ballots.drawConfirm')} onConfirm={() => draw(b)} disabled={Date.parse(b.entry_closes_at) > Date.now()}>
                    <Button size="small" type="primary" disabled={Date.parse(b.entry_closes_at) > Date.now()} title={t('pricing.ballots.notClosed')}>{t('pricing.ballots.draw')}</Button>
                  </Popconfirm>
                )
              ) : (
                <Button size="small" onClick={() => verify(b)}>{t('pricing.ballots.verification')}</Button>
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('pricing.ballots.create')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('pricing.ballots.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="sku" label={t('pricing.ballots.sku')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} /></Form.Item>
          <Form.Item name="quantity" label={t('pricing.ballots.quantity')} rules={[{ required: true }]}><InputNumber min={1} precision={0} /></Form.Item>
          <Form.Item name="window" label={t('pricing.ballots.window')} rules={[{ required: true }]}><DatePicker.RangePicker showTime style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="eligibility" label={t('pricing.ballots.eligibility')}><EligibilityInput /></Form.Item>
        </Form>
      </Modal>
      <Modal open={verification !== null} title={t('pricing.ballots.verification')} onCancel={() => setVerification(null)} footer={null} width={760}>
        {verification && (
          <>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('pricing.ballots.seedHash')}><Typography.Text code copyable>{verification.seed_hash}</Typography.Text></Descriptions.Item>
              <Descriptions.Item label={t('pricing.ballots.seed')}><Typography.Text code copyable>{verification.seed}</Typography.Text></Descriptions.Item>
              <Descriptions.Item label={t('pricing.ballots.algorithm')}>{verification.algorithm}</Descriptions.Item>
              <Descriptions.Item label={t('pricing.ballots.entries')}>{verification.entries.length}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('pricing.ballots.winnerList')}</Typography.Title>
            <Table size="small" rowKey="id" pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={verification.winners.map((id, i) => ({ id, rank: i + 1 }))} columns={[
              { title: t('pricing.ballots.rank'), dataIndex: 'rank', width: 80 },
              { title: t('pricing.ballots.memberNo'), render: (_, r) => memberNo(verification, r.id) },
              { title: 'entrant_id', dataIndex: 'id', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
            ]} />
            <Button style={{ marginTop: 8 }} onClick={() => { const blob = new Blob([JSON.stringify(verification, null, 2)], { type: 'application/json' }); const a = document.createElement('a'); a.href = URL.createObjectURL(blob); a.download = `ballot-${verification.ballot_id}-verification.json`; a.click(); }}>
              JSON
            </Button>
          </>
        )}
      </Modal>
    </>
  );
}
