import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Empty, Form, Input, InputNumber, Modal, Space, Statistic, Table, Tag, Tooltip } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Entitlement, Savings } from '@hearth/contracts/benefits';
import { api } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { BenefitPicker } from './BenefitPicker.tsx';
import { benefitErrorText, benefitTypeColor, describeBenefit } from './benefit-text.ts';

const sourceColor = { tier: 'gold', plan: 'volcano', grant: 'blue' } as const;

/** The member 360's benefits: what they may use now (sources, validity, uses left), this year's savings, use and grant. */
export function MemberBenefitsSection(props: { memberId: string; active: boolean }) {
  const { can } = useSession();
  return can('benefits:read') ? <BenefitsCard {...props} /> : null;
}

function BenefitsCard({ memberId, active }: { memberId: string; active: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [held, setHeld] = useState<Entitlement[] | null>(null);
  const [savings, setSavings] = useState<Savings | null>(null);
  const [using, setUsing] = useState<Entitlement | null>(null);
  const [granting, setGranting] = useState(false);
  const load = useCallback(
    () =>
      void Promise.all([api<{ data: Entitlement[] }>(`/members/${memberId}/benefits`), api<Savings>(`/members/${memberId}/savings`)]).then(
        ([list, saved]) => {
          setHeld(list.data);
          setSavings(saved);
        },
        (e: Error) => message.error(e.message),
      ),
    [memberId, message],
  );
  useEffect(load, [load]);
  const english = i18n.language.startsWith('en');
  const left = (e: Entitlement) =>
    e.remaining === null ? t('benefits.member.unlimited') : e.period && e.period.kind !== 'lifetime' ? t('benefits.member.left', { left: e.remaining, period: t(`benefits.member.periods.${e.period.kind}`) }) : t('benefits.member.leftTotal', { left: e.remaining });

  return (
    <Card
      title={t('benefits.member.title')}
      size="small"
      loading={!held}
      data-testid="member-benefits"
      extra={active && can('benefits:grant') && <Button size="small" onClick={() => setGranting(true)}>{t('benefits.member.grant')}</Button>}
    >
      {savings && (
        <Tooltip title={Object.entries(savings.by_kind).filter(([, fen]) => fen > 0).map(([kind, fen]) => `${t(`benefits.savingsKinds.${kind}`)} ${formatFen(fen)}`).join(' · ') || undefined}>
          <Statistic title={t('benefits.member.savedThisYear')} value={formatFen(savings.total_fen)} style={{ marginBottom: 12 }} data-testid="member-savings" />
        </Tooltip>
      )}
      <Table<Entitlement>
        rowKey={(e) => e.benefit.id}
        size="small"
        pagination={false}
        dataSource={held ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('benefits.member.none')} /> }}
        columns={[
          { title: t('benefits.name'), key: 'name', render: (_, e) => <Space size={4}><Tag color={benefitTypeColor[e.benefit.type]}>{t(`benefits.types.${e.benefit.type}`)}</Tag>{english && e.benefit.name_en ? e.benefit.name_en : e.benefit.name}</Space> },
          { title: t('benefits.config'), key: 'config', render: (_, e) => describeBenefit(t, e.benefit) },
          { title: t('benefits.member.source'), key: 'sources', render: (_, e) => e.sources.map((s) => <Tag key={s.id} color={sourceColor[s.kind]}>{s.kind === 'plan' ? s.name : `${t(`benefits.member.sources.${s.kind}`)} · ${s.name}`}</Tag>) },
          { title: t('benefits.member.remaining'), key: 'left', render: (_, e) => left(e) },
          { title: t('benefits.member.validUntil'), dataIndex: 'valid_until', render: (v: string | null) => (v ? formatTime(v) : t('benefits.member.open')) },
          ...(active && can('benefits:use')
            ? [{ title: t('common.actions'), key: 'use', render: (_: unknown, e: Entitlement) => <Button size="small" type="link" disabled={e.remaining === 0} onClick={() => setUsing(e)}>{t('benefits.member.use')}</Button> }]
            : []),
        ]}
      />
      <UseModal memberId={memberId} entitlement={using} onClose={(changed) => { setUsing(null); if (changed) load(); }} />
      <GrantModal memberId={memberId} open={granting} onClose={(changed) => { setGranting(false); if (changed) load(); }} />
    </Card>
  );
}

function UseModal({ memberId, entitlement, onClose }: { memberId: string; entitlement: Entitlement | null; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ quantity: number; value_yuan?: string; note?: string }>();
  const [key, setKey] = useState('');
  useEffect(() => {
    // One key per opened dialog: a double click or a retry records the use once.
    if (entitlement) setKey(`console-${crypto.randomUUID()}`);
    form.resetFields();
  }, [entitlement, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const result = await api<{ remaining: number | null }>(`/members/${memberId}/benefits/${entitlement!.benefit.id}/use`, { method: 'POST', body: { use_key: key, quantity: v.quantity, value_fen: v.value_yuan ? yuanToFen(v.value_yuan) : null, note: v.note || null } });
      message.success(result.remaining === null ? t('benefits.member.usedUnlimited') : t('benefits.member.used', { left: result.remaining }));
      onClose(true);
    } catch (error) {
      message.error(benefitErrorText(t, error));
    }
  };
  return (
    <Modal open={entitlement !== null} title={entitlement ? t('benefits.member.useTitle', { name: entitlement.benefit.name }) : ''} onOk={submit} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ quantity: 1 }}>
        <Form.Item name="quantity" label={t('benefits.member.quantity')}><InputNumber min={1} max={entitlement?.remaining ?? 100} precision={0} /></Form.Item>
        <Form.Item name="value_yuan" label={t('benefits.member.useValue')} tooltip={t('benefits.valueHint')} rules={[{ validator: async (_, v?: string) => { if (v && yuanToFen(v) === undefined) throw new Error(t('benefits.badYuan')); } }]}><Input prefix="¥" placeholder={entitlement?.benefit.value_fen ? formatFen(entitlement.benefit.value_fen).slice(1) : '0.00'} /></Form.Item>
        <Form.Item name="note" label={t('benefits.member.note')}><Input maxLength={500} /></Form.Item>
      </Form>
    </Modal>
  );
}

function GrantModal({ memberId, open, onClose }: { memberId: string; open: boolean; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ benefit_ids: string[]; valid_until: Dayjs; uses?: number | null; campaign?: string; reason: string }>();
  const [key, setKey] = useState('');
  useEffect(() => {
    if (open) setKey(`console-${crypto.randomUUID()}`);
    form.resetFields();
  }, [open, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      for (const [i, benefitId] of v.benefit_ids.entries()) {
        await api(`/members/${memberId}/benefit-grants`, { method: 'POST', body: { benefit_id: benefitId, grant_key: `${key}-${i}`, valid_until: v.valid_until.endOf('day').toISOString(), uses: v.uses ?? null, campaign: v.campaign || null, reason: v.reason } });
      }
      message.success(t('benefits.member.granted'));
      onClose(true);
    } catch (error) {
      message.error(benefitErrorText(t, error));
    }
  };
  return (
    <Modal open={open} title={t('benefits.member.grantTitle')} onOk={submit} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="benefit_ids" label={t('benefits.member.benefit')} rules={[{ required: true, message: t('benefits.required') }]}><BenefitPicker style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="valid_until" label={t('benefits.member.grantUntil')} rules={[{ required: true, message: t('benefits.required') }]}><DatePicker /></Form.Item>
        <Form.Item name="uses" label={t('benefits.member.grantUses')} extra={t('benefits.member.grantUsesHint')}><InputNumber min={1} max={100_000} precision={0} /></Form.Item>
        <Form.Item name="campaign" label={t('benefits.member.campaign')}><Input maxLength={100} /></Form.Item>
        <Form.Item name="reason" label={t('benefits.member.reason')} rules={[{ required: true, message: t('benefits.required') }]}><Input maxLength={200} /></Form.Item>
      </Form>
    </Modal>
  );
}
