import { useEffect, useState } from 'react';
import { App, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Switch, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { MemberDay, MemberDaySchedule } from '@hearth/contracts/member-days';
import type { MessageTemplate } from '@hearth/contracts/messaging';
import type { MemberPrice } from '@hearth/contracts/pricing';
import { api, ApiError, type Page } from '../api.ts';
import { formatFen } from '../format.ts';
import { EligibilityInput } from './scarce-shared.tsx';

interface FormValues {
  name: string;
  description?: string;
  kind: MemberDaySchedule['kind'];
  day?: number;
  nth?: number;
  weekday?: number;
  weekdays?: number[];
  months?: number[];
  dates?: string[];
  start_date: Dayjs;
  end_date?: Dayjs | null;
  active: boolean;
  multiplier: number;
  coupon_ids?: string[];
  member_price_ids?: string[];
  skus?: string[];
  eligibility?: Eligibility;
  reminder_lead_hours?: number | null;
  reminder_template_id?: string | null;
}

const monthList = Array.from({ length: 12 }, (_, i) => i + 1);
const weekdayList = [1, 2, 3, 4, 5, 6, 7];

/** Creates or edits a member day: schedule with a live preview of its next dates, what applies, who, reminder. */
export function MemberDayForm({ open, editing, onClose, onSaved }: { open: boolean; editing: MemberDay | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [choices, setChoices] = useState<{ coupons: CouponTemplate[]; prices: MemberPrice[]; templates: MessageTemplate[] }>({ coupons: [], prices: [], templates: [] });
  const [preview, setPreview] = useState<string[] | null>(null);
  const values = Form.useWatch([], form) as FormValues | undefined;

  useEffect(() => {
    if (!open) return;
    const quiet = <T,>(p: Promise<T>, fallback: T) => p.catch(() => fallback);
    void Promise.all([
      quiet(api<{ data: CouponTemplate[] }>('/coupon-templates'), { data: [] }),
      quiet(api<{ data: MemberPrice[] }>('/member-prices'), { data: [] }),
      quiet(api<Page<MessageTemplate>>('/messaging/templates?limit=200&status=active'), { data: [], next_cursor: null }),
    ]).then(([coupons, prices, templates]) => setChoices({ coupons: coupons.data, prices: prices.data, templates: templates.data }));
    form.setFieldsValue(editing ? fromMemberDay(editing) : { kind: 'monthly_day', day: 18, months: [], start_date: dayjs(), active: true, multiplier: 2, eligibility: {} });
  }, [open, editing, form]);

  // The preview follows the schedule as the operator types (debounced), from the server's own rule code.
  const scheduleKey = values ? JSON.stringify([scheduleOf(values), values.start_date?.format?.('YYYY-MM-DD'), values.end_date?.format?.('YYYY-MM-DD')]) : '';
  useEffect(() => {
    if (!open || !values?.start_date) return;
    const timer = setTimeout(() => {
      api<{ data: { day: string }[] }>('/member-days/preview', { method: 'POST', body: { schedule: scheduleOf(values), start_date: values.start_date.format('YYYY-MM-DD'), end_date: values.end_date?.format('YYYY-MM-DD') ?? null, count: 6 } }).then(
        (r) => setPreview(r.data.map((d) => d.day)),
        () => setPreview(null),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [open, scheduleKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = async () => {
    const v = await form.validateFields();
    const body = {
      name: v.name,
      description: v.description || null,
      schedule: scheduleOf(v),
      start_date: v.start_date.format('YYYY-MM-DD'),
      end_date: v.end_date ? v.end_date.format('YYYY-MM-DD') : null,
      active: v.active,
      points_multiplier_bp: Math.round(v.multiplier * 100) * 100,
      coupon_pack: (v.coupon_ids ?? []).map((id) => ({ template_id: id, quantity: 1 })),
      member_price_ids: v.member_price_ids ?? [],
      skus: v.skus ?? [],
      eligibility: v.eligibility ?? {},
      reminder_lead_hours: v.reminder_lead_hours ?? null,
      reminder_template_id: v.reminder_template_id ?? null,
    };
    try {
      await api(editing ? `/member-days/${editing.id}` : '/member-days', { method: editing ? 'PUT' : 'POST', body, idempotent: true });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([field, e]) => ({ name: formField(field) as keyof FormValues, errors: [e] })));
      message.error((error as Error).message);
    }
  };

  const kind = values?.kind ?? 'monthly_day';
  const monthsSelect = (
    <Form.Item name="months" label={t('memberDays.months')} extra={<Typography.Link onClick={() => form.setFieldValue('months', [1, 4, 7, 10])}>{t('memberDays.quarterly')}</Typography.Link>}>
      <Select mode="multiple" allowClear style={{ minWidth: 240 }} options={monthList.map((n) => ({ value: n, label: t('memberDays.monthN', { n }) }))} />
    </Form.Item>
  );
  return (
    <Modal open={open} width={720} title={editing ? t('memberDays.edit') : t('memberDays.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} destroyOnHidden>
      <Form form={form} layout="vertical" data-testid="member-day-form">
        <Form.Item name="name" label={t('memberDays.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="description" label={t('memberDays.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Form.Item name="kind" label={t('memberDays.schedule')}>
          <Select options={(['monthly_day', 'nth_weekday', 'weekly', 'dates'] as const).map((k) => ({ value: k, label: t(`memberDays.kinds.${k}`) }))} />
        </Form.Item>
        {kind === 'monthly_day' && (
          <Space align="start" wrap>
            <Form.Item name="day" label={t('memberDays.day')} rules={[{ required: true }]}>
              <Select style={{ width: 140 }} options={[...Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) })), { value: -1, label: t('memberDays.lastDay') }]} />
            </Form.Item>
            {monthsSelect}
          </Space>
        )}
        {kind === 'nth_weekday' && (
          <Space align="start" wrap>
            <Form.Item name="nth" label={t('memberDays.nth')} rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={[...[1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n) })), { value: -1, label: t('memberDays.last') }]} />
            </Form.Item>
            <Form.Item name="weekday" label={t('memberDays.weekday')} rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={weekdayList.map((d) => ({ value: d, label: t(`memberDays.weekdays.${d}`) }))} />
            </Form.Item>
            {monthsSelect}
          </Space>
        )}
        {kind === 'weekly' && (
          <Form.Item name="weekdays" label={t('memberDays.weekday')} rules={[{ required: true }]}>
            <Checkbox.Group options={weekdayList.map((d) => ({ value: d, label: t(`memberDays.weekdays.${d}`) }))} />
          </Form.Item>
        )}
        {kind === 'dates' && (
          <Form.Item name="dates" label={t('memberDays.dates')} rules={[{ required: true }]}>
            <Select mode="tags" tokenSeparators={[',', ' ']} />
          </Form.Item>
        )}
        <Space align="start" wrap>
          <Form.Item name="start_date" label={t('memberDays.startDate')} rules={[{ required: true }]}><DatePicker /></Form.Item>
          <Form.Item name="end_date" label={t('memberDays.endDate')}><DatePicker placeholder={t('memberDays.openEnded')} /></Form.Item>
          <Form.Item name="active" label={t('memberDays.active')} valuePropName="checked"><Switch /></Form.Item>
        </Space>
        <Form.Item label={t('memberDays.preview')}>
          <div data-testid="member-day-preview">{preview === null ? '—' : preview.length ? preview.map((d) => <Tag key={d}>{d}</Tag>) : t('memberDays.previewEmpty')}</div>
        </Form.Item>
        <Form.Item name="multiplier" label={t('memberDays.multiplier')} extra={t('memberDays.multiplierHint')} rules={[{ required: true }]}>
          <InputNumber min={1} max={10} step={0.5} precision={2} addonAfter="×" />
        </Form.Item>
        <Form.Item name="coupon_ids" label={t('memberDays.couponPack')} extra={t('memberDays.couponPackHint')}>
          <Select mode="multiple" allowClear options={choices.coupons.map((c) => ({ value: c.id, label: c.name }))} optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="member_price_ids" label={t('memberDays.memberPrices')}>
          <Select mode="multiple" allowClear optionFilterProp="label" options={choices.prices.map((p) => ({ value: p.id, label: `${p.sku} · ${p.audience_name ?? p.audience} · ${formatFen(p.price_fen)}` }))} />
        </Form.Item>
        <Form.Item name="skus" label={t('memberDays.skus')}><Select mode="tags" tokenSeparators={[',', ' ']} /></Form.Item>
        <Form.Item name="eligibility" label={t('memberDays.eligibility')} extra={t('memberDays.eligibilityHint')}><EligibilityInput /></Form.Item>
        <Space align="start" wrap>
          <Form.Item name="reminder_lead_hours" label={t('memberDays.reminderHours')}><InputNumber min={1} max={720} /></Form.Item>
          <Form.Item name="reminder_template_id" label={t('memberDays.reminderTemplate')} style={{ minWidth: 280 }}>
            <Select allowClear options={choices.templates.map((m) => ({ value: m.id, label: `${m.name} · ${m.channel}` }))} />
          </Form.Item>
        </Space>
        <Typography.Paragraph type="secondary">{t('memberDays.reminderHint')}</Typography.Paragraph>
      </Form>
    </Modal>
  );
}

function scheduleOf(v: Partial<FormValues>): MemberDaySchedule {
  switch (v.kind) {
    case 'nth_weekday':
      return { kind: 'nth_weekday', nth: v.nth ?? 1, weekday: v.weekday ?? 6, months: v.months ?? [] };
    case 'weekly':
      return { kind: 'weekly', weekdays: v.weekdays ?? [] };
    case 'dates':
      return { kind: 'dates', dates: v.dates ?? [] };
    default:
      return { kind: 'monthly_day', day: v.day ?? 18, months: v.months ?? [] };
  }
}

function fromMemberDay(d: MemberDay): FormValues {
  const s = d.schedule;
  return {
    name: d.name,
    description: d.description ?? undefined,
    kind: s.kind,
    ...(s.kind === 'monthly_day' ? { day: s.day, months: s.months } : {}),
    ...(s.kind === 'nth_weekday' ? { nth: s.nth, weekday: s.weekday, months: s.months } : {}),
    ...(s.kind === 'weekly' ? { weekdays: s.weekdays } : {}),
    ...(s.kind === 'dates' ? { dates: s.dates } : {}),
    start_date: dayjs(d.start_date),
    end_date: d.end_date ? dayjs(d.end_date) : null,
    active: d.active,
    multiplier: d.points_multiplier_bp / 10000,
    coupon_ids: d.coupon_pack.map((c) => c.template_id),
    member_price_ids: d.member_price_ids,
    skus: d.skus,
    eligibility: d.eligibility,
    reminder_lead_hours: d.reminder_lead_hours,
    reminder_template_id: d.reminder_template_id,
  };
}

/** A server field path as the form's field (schedule.day → day, coupon_pack.0.template_id → coupon_ids). */
function formField(field: string): string {
  if (field.startsWith('schedule.')) return field.split('.')[1]!;
  if (field.startsWith('coupon_pack')) return 'coupon_ids';
  if (field.startsWith('member_price_ids')) return 'member_price_ids';
  if (field.startsWith('skus')) return 'skus';
  if (field === 'points_multiplier_bp') return 'multiplier';
  return field;
}

/** A schedule in words for the list ("每月 18 日", "每月第 1 个周六（1,4,7,10月）"). */
export function scheduleText(t: TFunction, s: MemberDaySchedule): string {
  const months = 'months' in s && s.months.length ? t('memberDays.summary.inMonths', { months: s.months.join(',') }) : '';
  switch (s.kind) {
    case 'monthly_day':
      return (s.day === -1 ? t('memberDays.summary.monthly_last') : t('memberDays.summary.monthly_day', { day: s.day })) + months;
    case 'nth_weekday': {
      const weekday = t(`memberDays.weekdays.${s.weekday}`);
      return (s.nth === -1 ? t('memberDays.summary.nth_last', { weekday }) : t('memberDays.summary.nth_weekday', { nth: s.nth, weekday })) + months;
    }
    case 'weekly':
      return t('memberDays.summary.weekly', { days: s.weekdays.map((d) => t(`memberDays.weekdays.${d}`)).join('、') });
    case 'dates':
      return t('memberDays.summary.dates', { count: s.dates.length });
  }
}
