import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, DatePicker, Drawer, Empty, Form, Input, InputNumber, Popconfirm, Radio, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { EventInput, HearthEvent } from '@hearth/contracts/events';
import type { Store } from '@hearth/contracts/stores';
import { api, type Page } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { eventErrorText } from './event-shared.ts';
import { EventMemberPrices, memberPriceRows, memberPricesInput, type MemberPriceRow } from './EventMemberPrices.tsx';
import { EligibilityInput, EligibilityTags } from './scarce-shared.tsx';

const statusColor = { draft: 'default', published: 'green', canceled: 'red' } as const;

interface FormValues {
  title: string;
  description?: string;
  location_kind: 'store' | 'online';
  store_id?: string;
  address_note?: string;
  url?: string;
  time: [Dayjs, Dayjs];
  cancel_deadline?: Dayjs;
  capacity: number;
  waitlist: boolean;
  price_kind: 'free' | 'fen' | 'points';
  amount_yuan?: string;
  amount_points?: number;
  hold_minutes: number;
  eligibility: Eligibility;
  member_prices?: MemberPriceRow[];
  questions?: { id?: string; label: string; kind: 'text' | 'choice'; options?: string; required?: boolean }[];
}

/** 活动: the events, created and edited in a drawer, published and canceled from the list. */
export function EventsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<HearthEvent['status'] | 'all'>('all');
  const list = useCursorList<HearthEvent>('/events/sessions', { status: status === 'all' ? undefined : status }, 50);
  const [stores, setStores] = useState<Store[]>([]);
  const [editing, setEditing] = useState<HearthEvent | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const load = () => void list.reload();
  useEffect(() => void api<Page<Store>>('/stores?limit=200&status=active').then((p) => setStores(p.data), () => undefined), []);

  const open = (event: HearthEvent | 'new') => {
    form.resetFields();
    form.setFieldsValue(event === 'new' ? { location_kind: 'store', capacity: 30, waitlist: true, price_kind: 'free', hold_minutes: 30, eligibility: {}, time: [dayjs().add(7, 'day').hour(14).minute(0), dayjs().add(7, 'day').hour(16).minute(0)] } : toForm(event));
    setEditing(event);
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = toInput(v);
    if (!body) return form.setFields([{ name: 'amount_yuan', errors: [t('coupons.badYuan')] }]);
    try {
      if (editing === 'new') await api('/events/sessions', { method: 'POST', idempotent: true, body });
      else await api(`/events/sessions/${editing!.id}`, { method: 'PUT', body });
      message.success(t('common.saved'));
      setEditing(null);
      load();
    } catch (error) {
      message.error(eventErrorText(t, error));
    }
  };
  const act = (id: string, action: 'publish' | 'cancel') => api(`/events/sessions/${id}/${action}`, { method: 'POST', body: action === 'cancel' ? { reason: 'console' } : undefined }).then(load, (e) => message.error(eventErrorText(t, e)));

  return (
    <Card title={t('events.list.title')} data-testid="events-page" extra={can('events:manage') && <Button type="primary" icon={<PlusOutlined />} data-testid="event-create" onClick={() => open('new')}>{t('events.list.create')}</Button>}>
      <Segmented style={{ marginBottom: 16 }} value={status} onChange={(v) => setStatus(v as typeof status)} options={(['all', 'draft', 'published', 'canceled'] as const).map((s) => ({ value: s, label: s === 'all' ? t('events.list.all') : t(`events.status.${s}`) }))} />
      <Table<HearthEvent>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.list.empty')} /> }}
        columns={[
          { title: t('events.field.title'), render: (_, e) => <Space orientation="vertical" size={0}><Typography.Text strong>{e.title}</Typography.Text><Typography.Text type="secondary">{e.location.kind === 'store' ? e.location.store_name : t('events.field.online')}</Typography.Text></Space> },
          { title: t('events.field.time'), render: (_, e) => `${formatTime(e.starts_at).slice(0, 16)} – ${formatTime(e.ends_at).slice(11, 16)}` },
          { title: t('events.field.seats'), align: 'right', render: (_, e) => <span>{e.seats_taken} / {e.capacity}{e.waitlisted ? <Tag style={{ marginLeft: 8 }}>{t('events.field.waitlist')} {e.waitlisted}</Tag> : null}</span> },
          { title: t('events.field.price'), render: (_, e) => <Space orientation="vertical" size={0}>{priceLabel(t, e.price.kind, e.price.amount)}{e.price.member_prices.length > 0 && <Typography.Text type="secondary">{t('events.field.memberPriceCount', { count: e.price.member_prices.length })}</Typography.Text>}</Space> },
          { title: t('events.field.eligibility'), render: (_, e) => <EligibilityTags value={e.eligibility} /> },
          { title: t('events.field.status'), render: (_, e) => <Tag color={statusColor[e.status]}>{t(`events.status.${e.status}`)}</Tag> },
          {
            title: '',
            render: (_, e) => (
              <Space>
                <Link to={`/events/registrations?event=${e.id}`}>{t('events.list.registrations')}</Link>
                {can('events:manage') && e.status !== 'canceled' && <Button size="small" onClick={() => open(e)}>{t('events.list.edit')}</Button>}
                {can('events:manage') && e.status === 'draft' && <Button size="small" type="primary" data-testid="event-publish" onClick={() => void act(e.id, 'publish')}>{t('events.list.publish')}</Button>}
                {can('events:manage') && e.status === 'published' && (
                  <Popconfirm title={t('events.list.cancelConfirm')} onConfirm={() => act(e.id, 'cancel')}>
                    <Button size="small" danger>{t('events.list.cancel')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore} loading={list.loading} data-testid="events-load-more">{t('common.loadMore')}</Button>
        </div>
      )}
      <Drawer open={editing !== null} width={560} title={editing === 'new' ? t('events.list.create') : t('events.list.edit')} onClose={() => setEditing(null)} extra={<Button type="primary" data-testid="event-save" onClick={() => void save()}>{t('common.save')}</Button>}>
        <Form form={form} layout="vertical">
          <Form.Item name="title" label={t('events.field.title')} rules={[{ required: true, max: 120 }]}><Input data-testid="event-title" /></Form.Item>
          <Form.Item name="description" label={t('events.field.description')}><Input.TextArea rows={4} /></Form.Item>
          <Form.Item name="location_kind" label={t('events.field.location')}>
            <Radio.Group options={[{ value: 'store', label: t('events.field.store') }, { value: 'online', label: t('events.field.online') }]} />
          </Form.Item>
          <Form.Item noStyle dependencies={['location_kind']}>
            {() => form.getFieldValue('location_kind') === 'store' ? (
              <Space.Compact block>
                <Form.Item name="store_id" rules={[{ required: true }]} style={{ flex: 1 }}><Select placeholder={t('events.field.store')} options={stores.map((s) => ({ value: s.id, label: s.name }))} data-testid="event-store" /></Form.Item>
                <Form.Item name="address_note" style={{ flex: 1 }}><Input placeholder={t('events.field.addressNote')} /></Form.Item>
              </Space.Compact>
            ) : (
              <Form.Item name="url" rules={[{ required: true, type: 'url' }]}><Input placeholder="https://" /></Form.Item>
            )}
          </Form.Item>
          <Form.Item name="time" label={t('events.field.time')} rules={[{ required: true }]}><DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="cancel_deadline" label={t('events.field.cancelDeadline')} extra={t('events.field.cancelDeadlineHint')}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
          <Space size="large">
            <Form.Item name="capacity" label={t('events.field.capacity')} rules={[{ required: true }]}><InputNumber min={1} max={100000} precision={0} data-testid="event-capacity" /></Form.Item>
            <Form.Item name="waitlist" label={t('events.field.waitlist')} valuePropName="checked"><Checkbox>{t('events.field.waitlistOn')}</Checkbox></Form.Item>
          </Space>
          <Form.Item name="price_kind" label={t('events.field.price')}>
            <Radio.Group options={(['free', 'fen', 'points'] as const).map((k) => ({ value: k, label: t(`events.field.${k}`) }))} />
          </Form.Item>
          <Form.Item noStyle dependencies={['price_kind']}>
            {() => form.getFieldValue('price_kind') === 'fen' ? (
              <Space size="large">
                <Form.Item name="amount_yuan" label={t('events.field.amountYuan')} rules={[{ required: true }]}><Input prefix="¥" style={{ width: 160 }} /></Form.Item>
                <Form.Item name="hold_minutes" label={t('events.field.holdMinutes')}><InputNumber min={5} max={2880} precision={0} /></Form.Item>
              </Space>
            ) : form.getFieldValue('price_kind') === 'points' ? (
              <Form.Item name="amount_points" label={t('events.field.amountPoints')} rules={[{ required: true }]}><InputNumber min={1} precision={0} /></Form.Item>
            ) : null}
          </Form.Item>
          <Form.Item noStyle dependencies={['price_kind']}>
            {() => (form.getFieldValue('price_kind') === 'free' ? null : <div style={{ marginBottom: 24 }}><EventMemberPrices kind={form.getFieldValue('price_kind') as 'fen' | 'points'} /></div>)}
          </Form.Item>
          <Form.Item name="eligibility" label={t('events.field.eligibility')}><EligibilityInput /></Form.Item>
          <Typography.Text strong>{t('events.field.questions')}</Typography.Text>
          <Form.List name="questions">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'label']} rules={[{ required: true }]}><Input placeholder={t('events.field.question')} /></Form.Item>
                    <Form.Item name={[f.name, 'kind']} initialValue="text"><Select style={{ width: 90 }} options={[{ value: 'text', label: t('events.field.text') }, { value: 'choice', label: t('events.field.choice') }]} /></Form.Item>
                    <Form.Item name={[f.name, 'options']}><Input placeholder={t('events.field.options')} /></Form.Item>
                    <Form.Item name={[f.name, 'required']} valuePropName="checked"><Checkbox>{t('events.field.required')}</Checkbox></Form.Item>
                    <DeleteOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'text', required: false })}>{t('events.field.addQuestion')}</Button>
              </>
            )}
          </Form.List>
        </Form>
      </Drawer>
    </Card>
  );
}

function toForm(e: HearthEvent): FormValues {
  return {
    title: e.title,
    description: e.description,
    location_kind: e.location.kind,
    store_id: e.location.store_id ?? undefined,
    address_note: e.location.address_note ?? undefined,
    url: e.location.url ?? undefined,
    time: [dayjs(e.starts_at), dayjs(e.ends_at)],
    cancel_deadline: dayjs(e.cancel_deadline),
    capacity: e.capacity,
    waitlist: e.waitlist,
    price_kind: e.price.kind,
    amount_yuan: e.price.kind === 'fen' ? (e.price.amount / 100).toFixed(2) : undefined,
    amount_points: e.price.kind === 'points' ? e.price.amount : undefined,
    hold_minutes: e.hold_minutes,
    eligibility: e.eligibility,
    member_prices: memberPriceRows(e),
    questions: e.questions.map((q) => ({ id: q.id, label: q.label, kind: q.kind, options: q.options?.join(', '), required: q.required })),
  };
}

/** The form as the API's input, prices in integer fen; undefined when the ¥ amount is not a price. */
function toInput(v: FormValues): EventInput | undefined {
  const fen = v.price_kind === 'fen' ? yuanToFen(v.amount_yuan ?? '') : 0;
  if (fen === undefined) return undefined;
  const memberPrices = v.price_kind === 'free' ? [] : memberPricesInput(v.price_kind, v.member_prices);
  if (!memberPrices) return undefined;
  const price: EventInput['price'] = v.price_kind === 'free' ? { kind: 'free' } : v.price_kind === 'fen' ? { kind: 'fen', amount: fen, member_prices: memberPrices } : { kind: 'points', amount: v.amount_points ?? 0, member_prices: memberPrices };
  return {
    title: v.title,
    description: v.description ?? '',
    location: v.location_kind === 'store' ? { kind: 'store', store_id: v.store_id!, address_note: v.address_note || undefined } : { kind: 'online', url: v.url! },
    starts_at: v.time[0].toISOString(),
    ends_at: v.time[1].toISOString(),
    cancel_deadline: v.cancel_deadline?.toISOString() ?? null,
    capacity: v.capacity,
    waitlist: v.waitlist,
    eligibility: v.eligibility ?? {},
    price,
    questions: (v.questions ?? []).map((q, i) => ({ id: q.id ?? `q${i + 1}`, label: q.label, kind: q.kind, options: q.kind === 'choice' ? (q.options ?? '').split(/[,，]/).map((o) => o.trim()).filter(Boolean) : undefined, required: !!q.required })),
    hold_minutes: v.hold_minutes ?? 30,
  };
}

function priceLabel(t: TFunction, kind: HearthEvent['price']['kind'], amount: number) {
  return kind === 'free' ? t('events.field.free') : kind === 'fen' ? formatFen(amount) : `${amount} ${t('events.field.points')}`;
}
