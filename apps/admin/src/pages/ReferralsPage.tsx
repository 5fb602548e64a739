import { useEffect, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Empty, Input, Modal, Row, Select, Space, Statistic, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { referralStatuses, type funnelSchema, type Referral } from '@hearth/contracts/referrals';
import { api, query } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { growthErrorText, MemberLink } from './growth-shared.tsx';
import { ReferralRulesForm } from './ReferralRulesForm.tsx';

type Funnel = z.infer<typeof funnelSchema>;
const statusColor: Record<Referral['status'], string> = { joined: 'blue', ordered: 'cyan', rewarded: 'green', canceled: 'default', pending_review: 'orange', rejected: 'red' };

/** 推荐有礼: the rules, the review queue of flagged referrals, every case with its rewards, and the funnel. */
export function ReferralsPage() {
  const { t } = useTranslation();
  return (
    <Card title={t('referrals.title')} data-testid="referrals-page">
      <Tabs
        destroyOnHidden
        items={[
          { key: 'rules', label: t('referrals.tabs.rules'), children: <ReferralRulesForm /> },
          { key: 'review', label: t('referrals.tabs.review'), children: <ReferralTable review /> },
          { key: 'cases', label: t('referrals.tabs.cases'), children: <ReferralTable /> },
          { key: 'funnel', label: t('referrals.tabs.funnel'), children: <ReferralFunnel /> },
        ]}
      />
    </Card>
  );
}

/** The review queue (`review`: only cases in review, with approve / reject) or every case, filtered. */
function ReferralTable({ review = false }: { review?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<Referral['status'] | undefined>();
  const [referrer, setReferrer] = useState('');
  const validReferrer = /^[0-9a-f-]{36}$/i.test(referrer.trim()) ? referrer.trim() : undefined;
  const list = useCursorList<Referral>('/referrals', { status: review ? 'pending_review' : status, referrer_id: validReferrer });
  const [deciding, setDeciding] = useState<{ referral: Referral; decision: 'approve' | 'reject' } | null>(null);
  const [note, setNote] = useState('');

  const decide = async () => {
    if (!deciding) return;
    try {
      await api(`/referrals/${deciding.referral.member_id}/${deciding.decision}`, { method: 'POST', body: note.trim() ? { note: note.trim() } : {}, idempotent: true });
      message.success(t(deciding.decision === 'approve' ? 'referrals.approved' : 'referrals.rejected'));
      setDeciding(null);
      setNote('');
      list.reload();
    } catch (error) {
      message.error(growthErrorText(t, 'referrals', error));
    }
  };
  const settle = async () => {
    try {
      const r = await api<{ rewarded: number }>('/referrals/settle', { method: 'POST', idempotent: true });
      message.success(t('referrals.settled', { count: r.rewarded }));
      list.reload();
    } catch (error) {
      message.error(growthErrorText(t, 'referrals', error));
    }
  };

  return (
    <>
      {!review && (
        <Space style={{ marginBottom: 16 }} wrap>
          <Select allowClear style={{ width: 160 }} placeholder={t('common.status')} value={status} onChange={setStatus} options={referralStatuses.map((s) => ({ value: s, label: t(`referrals.status.${s}`) }))} data-testid="referral-status-filter" />
          <Input allowClear style={{ width: 320 }} placeholder={t('referrals.referrerFilter')} value={referrer} onChange={(e) => setReferrer(e.target.value)} status={referrer.trim() && !validReferrer ? 'error' : undefined} />
          {can('referrals:manage') && <Button onClick={() => void settle()}>{t('referrals.settle')}</Button>}
        </Space>
      )}
      <Table<Referral>
        rowKey="member_id"
        size="middle"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        data-testid={review ? 'referral-review-table' : 'referral-cases-table'}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(review ? 'referrals.reviewEmpty' : 'referrals.casesEmpty')} /> }}
        columns={[
          { title: t('referrals.newMember'), render: (_, r) => <MemberLink id={r.member_id} no={r.member_no} /> },
          { title: t('referrals.referrer'), render: (_, r) => <MemberLink id={r.referrer_id} no={r.referrer_no} /> },
          { title: t('referrals.joinedAt'), dataIndex: 'joined_at', render: formatTime },
          { title: t('common.status'), dataIndex: 'status', render: (s: Referral['status']) => <Tag color={statusColor[s]}>{t(`referrals.status.${s}`)}</Tag> },
          { title: t('referrals.flagsCol'), render: (_, r) => (r.flags.length ? <Space size={4} wrap>{r.flags.map((f) => <Tag key={f} color="orange">{t(`referrals.flags.${f}`)}</Tag>)}</Space> : '—') },
          { title: t('referrals.order'), render: (_, r) => (r.order_id ? <Tooltip title={`${t('referrals.qualifiesAt')} ${formatTime(r.qualifies_at)}`}><Tag color="cyan">{t('referrals.ordered')}</Tag></Tooltip> : <Typography.Text type="secondary">{t('referrals.noOrder')}</Typography.Text>) },
          ...(review
            ? []
            : [
                { title: t('referrals.rewards'), render: (_: unknown, r: Referral) => (r.rewards.length ? <Space orientation="vertical" size={0}>{r.rewards.map((w) => <span key={w.side}>{`${t(`referrals.side.${w.side}`)}：`}<Tag color={w.status === 'fulfilled' ? 'green' : w.status === 'failed' ? 'red' : 'default'}>{t(`referrals.rewardStatus.${w.status}`)}</Tag>{w.points ? `${w.points} ${t('referrals.points')}` : ''}{w.coupon_id ? ` + ${t('referrals.coupon')}` : ''}{w.error && <Typography.Text type="danger"> {w.error}</Typography.Text>}</span>)}</Space> : '—') },
                { title: t('referrals.reviewNote'), render: (_: unknown, r: Referral) => r.review_note ?? '—' },
              ]),
          ...(review && can('referrals:manage')
            ? [{
                title: t('common.actions'),
                render: (_: unknown, r: Referral) => (
                  <Space>
                    <Button size="small" type="primary" onClick={() => setDeciding({ referral: r, decision: 'approve' })} data-testid="referral-approve">{t('referrals.approve')}</Button>
                    <Button size="small" danger onClick={() => setDeciding({ referral: r, decision: 'reject' })} data-testid="referral-reject">{t('referrals.reject')}</Button>
                  </Space>
                ),
              }]
            : []),
        ]}
      />
      {list.hasMore && <Button block style={{ marginTop: 12 }} loading={list.loading} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      <Modal
        open={deciding !== null}
        title={deciding && t(deciding.decision === 'approve' ? 'referrals.approveTitle' : 'referrals.rejectTitle')}
        okText={deciding && t(`referrals.${deciding.decision}`)}
        okButtonProps={{ danger: deciding?.decision === 'reject' }}
        onOk={() => void decide()}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{deciding && t(deciding.decision === 'approve' ? 'referrals.approveHint' : 'referrals.rejectHint')}</Typography.Paragraph>
        {deciding && deciding.referral.flags.length > 0 && <Space wrap style={{ marginBottom: 12 }}>{deciding.referral.flags.map((f) => <Tag key={f} color="orange">{t(`referrals.flags.${f}`)}</Tag>)}</Space>}
        <Input.TextArea rows={2} maxLength={300} placeholder={t('referrals.note')} value={note} onChange={(e) => setNote(e.target.value)} />
      </Modal>
    </>
  );
}

const steps = ['shares', 'clicks', 'joins', 'first_orders', 'rewarded'] as const;

/** Shares → clicks → joins → first orders → rewarded for a period of local days, each with its step rate. */
function ReferralFunnel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(29, 'day'), dayjs()]);
  const [funnel, setFunnel] = useState<Funnel | null>(null);
  useEffect(() => {
    setFunnel(null);
    void api<Funnel>(`/referrals/funnel${query({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })}`).then(setFunnel, (e) => message.error(growthErrorText(t, 'referrals', e)));
  }, [range, message, t]);
  const rate = (i: number) => {
    if (!funnel || i === 0) return null;
    const before = funnel[steps[i - 1]!];
    return before ? `${((funnel[steps[i]!] / before) * 100).toFixed(1)}%` : '—';
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="referral-funnel">
      <Space>
        <Typography.Text>{t('referrals.funnel.period')}</Typography.Text>
        <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
      </Space>
      <Row gutter={16}>
        {steps.map((s, i) => (
          <Col key={s} flex={1}>
            <Card size="small" loading={!funnel}>
              <Statistic title={t(`referrals.funnel.${s}`)} value={funnel?.[s] ?? 0} />
              <Typography.Text type="secondary">{rate(i) ? t('referrals.funnel.rate', { rate: rate(i) }) : ' '}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={16}>
        <Col span={6}><Card size="small" loading={!funnel}><Statistic title={t('referrals.funnel.in_review')} value={funnel?.in_review ?? 0} styles={{ content: { color: '#d46b08' } }} /></Card></Col>
        <Col span={6}><Card size="small" loading={!funnel}><Statistic title={t('referrals.funnel.canceled')} value={funnel?.canceled ?? 0} /></Card></Col>
      </Row>
    </Space>
  );
}
