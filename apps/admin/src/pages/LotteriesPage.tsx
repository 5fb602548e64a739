import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Empty, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import type { Lottery } from '@hearth/contracts/games';
import type { PartnerBenefit } from '@hearth/contracts/partners';
import { api, ApiError } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { LotteryDetail } from './LotteryDetail.tsx';
import { EligibilityInput } from './scarce-shared.tsx';

type PrizeForm = { name: string; kind: Lottery['prizes'][number]['kind']; points?: number; coupon_template_id?: string; partner_benefit_id?: string; percent?: number; stock?: number | null };
interface LotteryForm {
  name: string;
  description?: string;
  mode: Lottery['mode'];
  window: [Dayjs, Dayjs];
  draw_at?: Dayjs;
  entry_cost_points: number;
  daily_limit?: number | null;
  total_limit?: number | null;
  device_daily_limit?: number | null;
  eligibility: object;
  prizes: PrizeForm[];
}

/** 抽奖: lotteries with their prize table and stock; a row opens entries, winners and shipping. */
export function LotteriesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [lotteries, setLotteries] = useState<Lottery[] | null>(null);
  const [open, setOpen] = useState<Lottery | null>(null);
  const [creating, setCreating] = useState(false);
  const load = useCallback(() => void api<{ data: Lottery[] }>('/lotteries').then((r) => {
    setLotteries(r.data);
    setOpen((current) => (current ? r.data.find((l) => l.id === current.id) ?? null : null));
  }, (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);

  return (
    <Card
      title={t('games.lotteries.title')}
      data-testid="lotteries"
      extra={can('games:manage') && <Button type="primary" icon={<PlusOutlined />} data-testid="lottery-create" onClick={() => setCreating(true)}>{t('games.lotteries.create')}</Button>}
    >
      <Table<Lottery>
        rowKey="id"
        loading={!lotteries}
        dataSource={lotteries ?? []}
        pagination={false}
        onRow={(l) => ({ onClick: () => setOpen(l), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('games.lotteries.empty')} /> }}
        columns={[
          { title: t('games.lotteries.name'), render: (_, l) => <Typography.Text strong>{l.name}</Typography.Text> },
          { title: t('games.lotteries.mode'), dataIndex: 'mode', render: (m: Lottery['mode']) => <Tag color={m === 'instant' ? 'magenta' : 'geekblue'}>{t(`games.lotteries.modes.${m}`)}</Tag> },
          { title: t('games.lotteries.window'), render: (_, l) => `${formatTime(l.starts_at)} ~ ${formatTime(l.ends_at)}` },
          { title: t('games.lotteries.cost'), dataIndex: 'entry_cost_points', align: 'right', render: (n: number) => (n ? n : t('games.lotteries.free')) },
          { title: t('games.lotteries.prizes'), render: (_, l) => <Space wrap size={4}>{l.prizes.map((p) => <Tag key={p.id}>{p.name}{p.stock !== null ? ` ${p.remaining}/${p.stock}` : ''}</Tag>)}</Space> },
          { title: t('games.lotteries.entries'), dataIndex: 'entries', align: 'right' },
          { title: t('games.lotteries.winners'), dataIndex: 'winners', align: 'right' },
          { title: t('common.status'), render: (_, l) => <StatusTag lottery={l} /> },
        ]}
      />
      {creating && <CreateLottery onClose={() => setCreating(false)} onCreated={load} />}
      {open && <LotteryDetail lottery={open} onClose={() => setOpen(null)} onChanged={load} />}
    </Card>
  );
}

export function StatusTag({ lottery }: { lottery: Lottery }) {
  const { t } = useTranslation();
  const ended = lottery.status === 'open' && Date.parse(lottery.ends_at) <= Date.now();
  const status = ended ? 'closed' : lottery.status;
  return <Tag color={{ open: 'green', closed: 'default', drawn: 'blue' }[status]}>{t(`games.lotteries.status.${status}`)}</Tag>;
}

function CreateLottery({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<LotteryForm>();
  const mode = Form.useWatch('mode', form);
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const [benefits, setBenefits] = useState<PartnerBenefit[]>([]);
  useEffect(() => {
    void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), () => setTemplates([]));
    void api<{ data: PartnerBenefit[] }>('/partner-benefits').then((r) => setBenefits(r.data), () => setBenefits([]));
  }, []);

  const save = async () => {
    const v = await form.validateFields();
    const prizes = v.prizes.map(({ percent, ...p }) => ({
      name: p.name,
      kind: p.kind,
      ...(p.kind === 'points' ? { points: p.points } : {}),
      ...(p.kind === 'coupon' ? { coupon_template_id: p.coupon_template_id } : {}),
      ...(p.kind === 'partner_code' ? { partner_benefit_id: p.partner_benefit_id } : {}),
      // Percent typed with up to two decimals, sent as whole basis points.
      ...(v.mode === 'instant' ? { probability_bp: Math.round((percent ?? 0) * 100) } : {}),
      stock: p.stock ?? null,
    }));
    if (v.mode === 'instant' && prizes.reduce((s, p) => s + (p.probability_bp ?? 0), 0) > 10_000) return void message.error(t('games.lotteries.probabilityTooHigh'));
    try {
      await api('/lotteries', {
        method: 'POST',
        idempotent: true,
        body: {
          name: v.name,
          description: v.description || null,
          mode: v.mode,
          starts_at: v.window[0].toISOString(),
          ends_at: v.window[1].toISOString(),
          draw_at: v.mode === 'scheduled' ? v.draw_at?.toISOString() ?? null : null,
          entry_cost_points: v.entry_cost_points ?? 0,
          daily_limit: v.daily_limit ?? null,
          total_limit: v.total_limit ?? null,
          device_daily_limit: v.device_daily_limit ?? null,
          eligibility: v.eligibility ?? {},
          prizes,
        },
      });
      message.success(t('common.saved'));
      onClose();
      onCreated();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([field, msg]) => ({ name: field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), errors: [msg] })));
      message.error((error as Error).message);
    }
  };

  return (
    <Modal open width={860} title={t('games.lotteries.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ mode: 'instant', entry_cost_points: 0, daily_limit: 3, eligibility: {}, prizes: [{ name: '', kind: 'points', points: 10, percent: 30 }] }}>
        <Space.Compact block>
          <Form.Item name="name" label={t('games.lotteries.name')} rules={[{ required: true, whitespace: true }]} style={{ flex: 2 }}><Input maxLength={100} data-testid="lottery-name" /></Form.Item>
          <Form.Item name="mode" label={t('games.lotteries.mode')} style={{ flex: 1 }}>
            <Select options={(['instant', 'scheduled'] as const).map((m) => ({ value: m, label: t(`games.lotteries.modes.${m}`) }))} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="description" label={t('games.lotteries.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Space wrap>
          <Form.Item name="window" label={t('games.lotteries.window')} rules={[{ required: true }]}><DatePicker.RangePicker showTime data-testid="lottery-window" /></Form.Item>
          {mode === 'scheduled' && <Form.Item name="draw_at" label={t('games.lotteries.drawAt')}><DatePicker showTime /></Form.Item>}
        </Space>
        <Space wrap>
          <Form.Item name="entry_cost_points" label={t('games.lotteries.cost')}><InputNumber min={0} precision={0} /></Form.Item>
          <Form.Item name="daily_limit" label={t('games.lotteries.dailyLimit')}><InputNumber min={1} precision={0} placeholder={t('games.lotteries.unlimited')} /></Form.Item>
          <Form.Item name="total_limit" label={t('games.lotteries.totalLimit')}><InputNumber min={1} precision={0} placeholder={t('games.lotteries.unlimited')} /></Form.Item>
          <Form.Item name="device_daily_limit" label={t('games.lotteries.deviceLimit')}><InputNumber min={1} precision={0} placeholder={t('games.lotteries.unlimited')} /></Form.Item>
        </Space>
        <Form.Item name="eligibility" label={t('games.lotteries.eligibility')}><EligibilityInput /></Form.Item>
        <Typography.Title level={5}>{t('games.lotteries.prizes')}</Typography.Title>
        <Form.List name="prizes">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Form.Item key={field.key} noStyle shouldUpdate>
                  {() => {
                    const kind = form.getFieldValue(['prizes', field.name, 'kind']) as PrizeForm['kind'];
                    return (
                      <Space align="start" wrap data-testid="prize-row">
                        <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true }]}><Input placeholder={t('games.lotteries.prize')} maxLength={100} style={{ width: 160 }} /></Form.Item>
                        <Form.Item name={[field.name, 'kind']}><Select style={{ width: 110 }} options={(['points', 'coupon', 'partner_code', 'physical'] as const).map((k) => ({ value: k, label: t(`games.lotteries.kinds.${k}`) }))} /></Form.Item>
                        {kind === 'points' && <Form.Item name={[field.name, 'points']} rules={[{ required: true }]}><InputNumber min={1} precision={0} placeholder={t('games.lotteries.points')} /></Form.Item>}
                        {kind === 'coupon' && <Form.Item name={[field.name, 'coupon_template_id']} rules={[{ required: true }]}><Select style={{ width: 180 }} placeholder={t('games.lotteries.couponTemplate')} options={templates.map((c) => ({ value: c.id, label: c.name }))} /></Form.Item>}
                        {kind === 'partner_code' && <Form.Item name={[field.name, 'partner_benefit_id']} rules={[{ required: true }]}><Select style={{ width: 180 }} placeholder={t('games.lotteries.partnerBenefit')} options={benefits.map((b) => ({ value: b.id, label: b.name }))} /></Form.Item>}
                        {mode === 'instant' && <Form.Item name={[field.name, 'percent']} rules={[{ required: true }]}><InputNumber min={0} max={100} step={0.01} precision={2} addonAfter="%" style={{ width: 120 }} placeholder={t('games.lotteries.probability')} /></Form.Item>}
                        <Form.Item name={[field.name, 'stock']} rules={[{ required: mode === 'scheduled' || kind === 'physical' }]}><InputNumber min={1} precision={0} placeholder={t('games.lotteries.stock')} style={{ width: 100 }} /></Form.Item>
                        {fields.length > 1 && <MinusCircleOutlined style={{ marginTop: 8 }} onClick={() => remove(field.name)} />}
                      </Space>
                    );
                  }}
                </Form.Item>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', kind: 'physical', percent: 1, stock: 10 })}>{t('games.lotteries.addPrize')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
