import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { messageCategories, messageChannels, type Broadcast, type BroadcastStats, type MessageTemplate } from '@hearth/contracts/messaging';
import { api, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

const statusColors: Record<Broadcast['status'], string> = { scheduled: 'blue', running: 'processing', done: 'green', canceled: 'default' };
interface Segment {
  id: string;
  name: string;
  member_count: number;
}
interface CreateValues {
  name: string;
  segment_id: string;
  channel: Broadcast['channel'];
  category: Broadcast['category'];
  variants: { key: string; template_id: string; percent: number }[];
  holdout_percent: number;
  send_at?: Dayjs;
}

/** Broadcasts to a segment with A/B variants and a holdout: create, schedule, progress, per-arm numbers, cancel. */
export function BroadcastsPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const writable = can('messaging:send');
  const [rows, setRows] = useState<Broadcast[]>([]);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [templates, setTemplates] = useState<MessageTemplate[]>([]);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<Broadcast | null>(null);
  const [form] = Form.useForm<CreateValues>();
  const channel = Form.useWatch('channel', form);

  const load = useCallback(async () => setRows((await api<Page<Broadcast>>('/messaging/broadcasts?limit=100')).data), []);
  useEffect(() => {
    void load().catch((e: Error) => message.error(e.message));
    void api<Page<Segment>>('/segments?limit=200').then((p) => setSegments(p.data), () => setSegments([]));
    void api<Page<MessageTemplate>>('/messaging/templates?limit=200&status=active').then((p) => setTemplates(p.data), () => setTemplates([]));
  }, [load, message]);
  const segmentOf = (id: string) => segments.find((s) => s.id === id);

  const create = async () => {
    const v = await form.validateFields();
    // Percent in the form, basis points on the wire; shares must add to 100 % exactly.
    const variants = v.variants.map((x) => ({ key: x.key, template_id: x.template_id, weight_bp: Math.round(x.percent * 100) }));
    if (variants.reduce((sum, x) => sum + x.weight_bp, 0) !== 10_000) {
      message.error(t('messaging.broadcasts.weightsSum'));
      return;
    }
    try {
      await api('/messaging/broadcasts', { method: 'POST', idempotent: true, body: { name: v.name, segment_id: v.segment_id, channel: v.channel, category: v.category, variants, holdout_bp: Math.round((v.holdout_percent ?? 0) * 100), ...(v.send_at ? { send_at: v.send_at.toISOString() } : {}) } });
      setCreating(false);
      form.resetFields();
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const cancel = (b: Broadcast) =>
    modal.confirm({
      content: t('messaging.broadcasts.cancelConfirm'),
      onOk: async () => {
        await api(`/messaging/broadcasts/${b.id}/cancel`, { method: 'POST' }).catch((e: Error) => message.error(e.message));
        await load();
      },
    });

  return (
    <Card data-testid="broadcasts-page" title={t('messaging.broadcasts.title')} extra={<Space><Button onClick={() => void load()}>{t('common.refresh')}</Button>{writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-broadcast">{t('messaging.broadcasts.create')}</Button>}</Space>}>
      <Table
        rowKey="id"
        dataSource={rows}
        onRow={(b) => ({ onClick: () => setOpen(b), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('messaging.broadcasts.name'), dataIndex: 'name' },
          { title: t('messaging.broadcasts.segment'), render: (_, b) => segmentOf(b.segment_id)?.name ?? b.segment_id.slice(0, 8) },
          { title: t('messaging.broadcasts.channel'), render: (_, b) => t(`messaging.channelNames.${b.channel}`) },
          { title: t('messaging.broadcasts.variants'), render: (_, b) => b.variants.map((v) => <Tag key={v.key}>{`${v.key} ${v.weight_bp / 100}%`}</Tag>).concat(b.holdout_bp ? [<Tag key="holdout" color="default">{`${t('messaging.broadcasts.holdoutRow')} ${b.holdout_bp / 100}%`}</Tag>] : []) },
          { title: t('messaging.broadcasts.sendAt'), render: (_, b) => formatTime(b.send_at) },
          { title: t('common.status'), render: (_, b) => <Tag color={statusColors[b.status]}>{t(`messaging.broadcasts.status.${b.status}`)}</Tag> },
          {
            title: t('messaging.broadcasts.progress'),
            render: (_, b) => {
              const size = segmentOf(b.segment_id)?.member_count;
              return b.status === 'done' ? <Progress percent={100} size="small" /> : size ? <Progress percent={Math.min(99, Math.floor((b.counts.processed * 100) / size))} size="small" /> : b.counts.processed;
            },
          },
          { title: t('common.actions'), render: (_, b) => writable && (b.status === 'scheduled' || b.status === 'running') && <Button size="small" danger onClick={(e) => { e.stopPropagation(); cancel(b); }}>{t('messaging.broadcasts.cancel')}</Button> },
        ]}
      />
      <Modal open={creating} width={720} title={t('messaging.broadcasts.create')} onOk={() => void create()} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ channel: 'sms', category: 'marketing', holdout_percent: 10, variants: [{ key: 'A', percent: 50 }, { key: 'B', percent: 50 }] }}>
          <Form.Item name="name" label={t('messaging.broadcasts.name')} rules={[{ required: true }]}><Input maxLength={100} data-testid="broadcast-name" /></Form.Item>
          <Form.Item name="segment_id" label={t('messaging.broadcasts.segment')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={segments.map((s) => ({ value: s.id, label: `${s.name}（${s.member_count}）` }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="channel" label={t('messaging.broadcasts.channel')}><Select style={{ width: 200 }} options={messageChannels.map((c) => ({ value: c, label: t(`messaging.channelNames.${c}`) }))} /></Form.Item>
            <Form.Item name="category" label={t('messaging.broadcasts.category')}><Select style={{ width: 140 }} options={messageCategories.map((c) => ({ value: c, label: t(`messaging.categories.${c}`) }))} /></Form.Item>
            <Form.Item name="holdout_percent" label={t('messaging.broadcasts.holdout')} tooltip={t('messaging.broadcasts.holdoutHint')}><InputNumber min={0} max={90} step={0.01} /></Form.Item>
            <Form.Item name="send_at" label={t('messaging.broadcasts.sendAt')}><DatePicker showTime placeholder={t('messaging.broadcasts.now')} /></Form.Item>
          </Space>
          <Typography.Title level={5}>{t('messaging.broadcasts.variants')}</Typography.Title>
          <Form.List name="variants">
            {(items, { add, remove }) => (
              <>
                {items.map((item) => (
                  <Space key={item.key} align="baseline" wrap>
                    <Form.Item name={[item.name, 'key']} rules={[{ required: true }]}><Input placeholder={t('messaging.broadcasts.key')} style={{ width: 80 }} /></Form.Item>
                    <Form.Item name={[item.name, 'template_id']} rules={[{ required: true }]}>
                      <Select placeholder={t('messaging.broadcasts.template')} style={{ width: 280 }} options={templates.filter((tpl) => tpl.channel === channel).map((tpl) => ({ value: tpl.id, label: tpl.name }))} />
                    </Form.Item>
                    <Form.Item name={[item.name, 'percent']} rules={[{ required: true }]}><InputNumber min={0.01} max={100} step={0.01} addonAfter="%" /></Form.Item>
                    {items.length > 1 && <Button onClick={() => remove(item.name)}>{t('common.delete')}</Button>}
                  </Space>
                ))}
                {items.length < 10 && <Button onClick={() => add({ key: String.fromCharCode(65 + items.length), percent: 0 })}>{t('messaging.broadcasts.addVariant')}</Button>}
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      {open && <BroadcastDrawer broadcast={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}

function BroadcastDrawer({ broadcast, onClose }: { broadcast: Broadcast; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [stats, setStats] = useState<BroadcastStats>();
  useEffect(() => void api<BroadcastStats>(`/messaging/broadcasts/${broadcast.id}/stats`).then(setStats, (e: Error) => message.error(e.message)), [broadcast.id, message]);
  const c = broadcast.counts;
  const numbers = ['members', 'suppressed', 'pending', 'sent', 'delivered', 'clicked', 'failed'] as const;
  type Row = { key: string } & Partial<Record<(typeof numbers)[number], number>>;
  const rows: Row[] = stats ? [...stats.arms, { key: t('messaging.broadcasts.holdoutRow'), members: stats.holdout }] : [];
  return (
    <Drawer open width={760} title={broadcast.name} onClose={onClose}>
      <Typography.Paragraph>
        {`${t('messaging.broadcasts.processed')} ${c.processed} · ${t('messaging.broadcasts.queued')} ${c.queued} · ${t('messaging.broadcasts.delayed')} ${c.delayed} · ${t('messaging.broadcasts.suppressed')} ${c.suppressed} · ${t('messaging.broadcasts.holdoutRow')} ${c.holdout}`}
      </Typography.Paragraph>
      <Typography.Title level={5}>{t('messaging.broadcasts.stats')}</Typography.Title>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        loading={!stats}
        dataSource={rows}
        columns={[
          { title: t('messaging.broadcasts.key'), dataIndex: 'key' },
          ...numbers.map((n) => ({ title: t(`messaging.broadcasts.${n}`), render: (_: unknown, row: Row) => row[n] ?? '—' })),
          { title: '%', render: (_: unknown, row: Row) => (row.sent && row.clicked !== undefined ? `${((row.clicked * 100) / row.sent).toFixed(1)}%` : '—') },
        ]}
      />
    </Drawer>
  );
}
