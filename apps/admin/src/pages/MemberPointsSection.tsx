import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Popover, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Order } from '@hearth/contracts/orders';
import { adjustmentInputSchema, type LedgerEntry, type PointsBalance } from '@hearth/contracts/points';
import { api, ApiError } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';

interface Lot {
  id: string;
  order_id: string | null;
  amount: number;
  remaining: number;
  earned_at: string;
  available_at: string;
  expires_at: string | null;
}

const kindColor: Record<string, string> = { earn: 'green', clawback: 'red', hold: 'gold', capture: 'orange', release: 'blue', spend: 'purple', expire: 'default', adjust: 'cyan' };

/** The member 360's points: balance, open lots and the ledger with each entry's postings and lot trail. */
export function MemberPointsSection(props: { memberId: string; active: boolean }) {
  const { can } = useSession();
  return can('points:read') ? <PointsCard {...props} /> : null;
}

function PointsCard({ memberId, active }: { memberId: string; active: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [balance, setBalance] = useState<PointsBalance | null>(null);
  const [lots, setLots] = useState<Lot[]>([]);
  const [adjusting, setAdjusting] = useState(false);
  const ledger = useCursorList<LedgerEntry>(`/members/${memberId}/points/ledger`, {});

  const load = useCallback(() => {
    void Promise.all([api<PointsBalance>(`/members/${memberId}/points`), api<{ data: Lot[] }>(`/members/${memberId}/points/lots`)]).then(
      ([b, l]) => {
        setBalance(b);
        setLots(l.data);
      },
      (e: Error) => message.error(e.message),
    );
  }, [memberId, message]);
  useEffect(load, [load]);

  return (
    <Card
      title={t('points.title')}
      size="small"
      loading={!balance}
      data-testid="member-points"
      extra={
        can('points:adjust') &&
        active && (
          <Button size="small" icon={<EditOutlined />} onClick={() => setAdjusting(true)} data-testid="points-adjust">
            {t('points.adjust')}
          </Button>
        )
      }
    >
      {balance && <BalanceRow balance={balance} />}
      <Tabs
        style={{ marginTop: 8 }}
        items={[
          {
            key: 'ledger',
            label: t('points.ledger'),
            children: (
              <>
                <Table<LedgerEntry>
                  rowKey="id"
                  size="small"
                  loading={ledger.loading}
                  dataSource={ledger.rows}
                  pagination={false}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('points.noLedger')} /> }}
                  expandable={{ expandedRowRender: (entry) => <EntryDetail entry={entry} /> }}
                  data-testid="points-ledger"
                  columns={[
                    { title: t('points.time'), dataIndex: 'created_at', width: 170, render: formatTime },
                    { title: t('points.kind'), dataIndex: 'kind', width: 110, render: (kind: string) => <Tag color={kindColor[kind]}>{t(`points.kinds.${kind}`, { defaultValue: kind })}</Tag> },
                    { title: t('points.points'), dataIndex: 'points', width: 100, align: 'right', render: (p: number) => <SignedPoints points={p} /> },
                    { title: t('points.order'), dataIndex: 'order_id', width: 130, render: (orderId: string | null) => (orderId ? <OrderLink orderId={orderId} /> : '—') },
                    { title: t('points.note'), render: (_, entry) => describeEntry(entry, t) || '—' },
                    { title: t('points.actor'), dataIndex: 'actor', width: 140, render: (v: string | null) => v ?? '—' },
                  ]}
                />
                {ledger.hasMore && (
                  <div style={{ textAlign: 'center', marginTop: 12 }}>
                    <Button onClick={ledger.loadMore} loading={ledger.loading}>
                      {t('common.loadMore')}
                    </Button>
                  </div>
                )}
              </>
            ),
          },
          {
            key: 'lots',
            label: `${t('points.lots')} (${lots.length})`,
            children: (
              <Table<Lot>
                rowKey="id"
                size="small"
                dataSource={lots}
                pagination={lots.length > 10 ? { pageSize: 10 } : false}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('points.noLots')} /> }}
                columns={[
                  { title: t('points.lot'), dataIndex: 'id', render: (id: string) => <Typography.Text code>{shortId(id)}</Typography.Text> },
                  { title: t('points.amount'), dataIndex: 'amount', align: 'right' },
                  { title: t('points.remaining'), dataIndex: 'remaining', align: 'right', render: (v: number) => <strong>{v}</strong> },
                  { title: t('points.earnedAt'), dataIndex: 'earned_at', render: formatDate },
                  {
                    title: t('points.availableAt'),
                    dataIndex: 'available_at',
                    render: (v: string) => (dayjs(v).isAfter(dayjs()) ? <Tag color="gold">{formatDate(v)}</Tag> : formatDate(v)),
                  },
                  { title: t('points.expiresAt'), dataIndex: 'expires_at', render: (v: string | null) => (v ? formatDate(v) : t('points.neverExpires')) },
                  { title: t('points.order'), dataIndex: 'order_id', render: (orderId: string | null) => (orderId ? <OrderLink orderId={orderId} /> : '—') },
                ]}
              />
            ),
          },
        ]}
      />
      <AdjustModal
        memberId={memberId}
        open={adjusting}
        onClose={() => setAdjusting(false)}
        onDone={() => {
          setAdjusting(false);
          load();
          void ledger.reload();
        }}
      />
    </Card>
  );
}

function BalanceRow({ balance: b }: { balance: PointsBalance }) {
  const { t } = useTranslation();
  const sub = (text: string) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{text}</Typography.Text>;
  return (
    <Row gutter={[16, 16]} data-testid="points-balance">
      <Col xs={12} md={6} xl={4}>
        <Statistic title={t('points.available')} value={b.available} styles={{ content: { color: b.available < 0 ? '#cf1322' : '#c2410c' } }} />
        {sub(`${t('points.worth')} ${formatFen(b.value_fen)}`)}
      </Col>
      <Col xs={12} md={6} xl={4}>
        <Statistic title={t('points.pending')} value={b.pending} />
      </Col>
      <Col xs={12} md={6} xl={4}>
        <Statistic title={t('points.held')} value={b.held} />
      </Col>
      {b.debt > 0 && (
        <Col xs={12} md={6} xl={4}>
          <Statistic title={t('points.debt')} value={b.debt} styles={{ content: { color: '#cf1322' } }} />
        </Col>
      )}
      <Col xs={12} md={6} xl={4}>
        <Statistic title={t('points.expiring', { days: b.expiring.within_days })} value={b.expiring.points} styles={{ content: b.expiring.points ? { color: '#d46b08' } : {} }} />
        {b.expiring.points > 0 && b.expiring.first_date
          ? sub(`${formatFen(b.expiring.value_fen)} · ${t('points.firstExpiry', { date: formatDate(b.expiring.first_date) })}`)
          : sub(t('points.noneExpiring'))}
      </Col>
      <Col xs={12} md={6} xl={4}>
        <Statistic title={t('points.lifetime')} value={`${b.lifetime_earned} / ${b.lifetime_spent}`} />
        {sub(t('points.lifetimeHint'))}
      </Col>
    </Row>
  );
}

/** An entry's postings (every one balances to zero) and the lots it created or used. */
function EntryDetail({ entry }: { entry: LedgerEntry }) {
  const { t } = useTranslation();
  return (
    <Row gutter={24}>
      <Col xs={24} md={10}>
        <Typography.Text strong>{t('points.postings')}</Typography.Text>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={entry.postings.map((p, i) => ({ ...p, key: i }))}
          columns={[
            { title: t('points.account'), dataIndex: 'account', render: (a: string) => accountLabel(a, t) },
            { title: t('points.points'), dataIndex: 'amount', align: 'right', render: (v: number) => <SignedPoints points={v} /> },
          ]}
        />
      </Col>
      <Col xs={24} md={14}>
        <Typography.Text strong>{t('points.lotTrail')}</Typography.Text>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={entry.lots.map((l, i) => ({ ...l, key: i }))}
          locale={{ emptyText: t('points.noTrail') }}
          columns={[
            { title: t('points.lot'), dataIndex: 'lot_id', render: (id: string) => <Typography.Text code>{shortId(id)}</Typography.Text> },
            { title: t('points.points'), dataIndex: 'amount', align: 'right', render: (v: number) => <SignedPoints points={v} /> },
            { title: t('points.earnedAt'), dataIndex: 'earned_at', render: formatDate },
            { title: t('points.expiresAt'), dataIndex: 'expires_at', render: (v: string | null) => (v ? formatDate(v) : t('points.neverExpires')) },
          ]}
        />
      </Col>
    </Row>
  );
}

/** Opens the order's essentials in place: the console has no page per order. */
function OrderLink({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<string>();
  if (!can('orders:read')) return <Typography.Text code>{shortId(orderId)}</Typography.Text>;
  const content = order ? (
    <Descriptions size="small" column={1} style={{ width: 260 }}>
      <Descriptions.Item label={t('orders.externalId')}>{order.external_id}</Descriptions.Item>
      <Descriptions.Item label={t('orders.occurredAt')}>{formatTime(order.occurred_at)}</Descriptions.Item>
      <Descriptions.Item label={t('orders.total')}>{formatFen(order.total_paid_fen)}</Descriptions.Item>
      <Descriptions.Item label={t('common.status')}>{t(`orders.status.${order.status}`)}</Descriptions.Item>
    </Descriptions>
  ) : (
    (error ?? '…')
  );
  return (
    <Popover
      trigger="click"
      content={content}
      onOpenChange={(open) => {
        if (open && !order) void api<Order>(`/orders/${orderId}`).then(setOrder, (e: Error) => setError(e.message));
      }}
    >
      <a onClick={(e) => e.stopPropagation()}>{order?.external_id ?? shortId(orderId)}</a>
    </Popover>
  );
}

/** Adds or removes points with a reason; one external id per opening, so a retried save counts once. */
function AdjustModal({ memberId, open, onClose, onDone }: { memberId: string; open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ points?: number; reason?: string }>();
  const [saving, setSaving] = useState(false);
  const [externalId, setExternalId] = useState('');
  useEffect(() => {
    if (open) setExternalId(`console-${crypto.randomUUID()}`);
  }, [open]);

  const showErrors = (errors: { field: string; message: string }[]) => {
    const known = errors.filter((e) => e.field === 'points' || e.field === 'reason');
    form.setFields(known.map((e) => ({ name: e.field as 'points' | 'reason', errors: [e.message] })));
    return known.length === errors.length;
  };

  const submit = async () => {
    form.setFields([{ name: 'points', errors: [] }, { name: 'reason', errors: [] }]);
    const parsed = adjustmentInputSchema.safeParse({ ...form.getFieldsValue(), external_id: externalId });
    if (!parsed.success) {
      showErrors(parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.code === 'invalid_type' ? t('points.required') : i.message })));
      return;
    }
    setSaving(true);
    try {
      await api(`/members/${memberId}/points/adjustments`, { method: 'POST', body: parsed.data, idempotent: true });
      message.success(t('points.adjusted'));
      form.resetFields();
      onDone();
    } catch (error) {
      if (!(error instanceof ApiError && error.problem.errors?.length && showErrors(error.problem.errors))) message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal title={t('points.adjust')} open={open} onOk={submit} onCancel={onClose} confirmLoading={saving} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item name="points" label={t('points.adjustPoints')} extra={t('points.adjustPointsHint')} required>
          <InputNumber style={{ width: '100%' }} precision={0} placeholder="+100 / -100" data-testid="points-adjust-points" />
        </Form.Item>
        <Form.Item name="reason" label={t('points.adjustReason')} required>
          <Input.TextArea rows={3} maxLength={200} showCount data-testid="points-adjust-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SignedPoints({ points }: { points: number }) {
  return <Typography.Text type={points < 0 ? 'danger' : points > 0 ? 'success' : undefined}>{points > 0 ? `+${points}` : points}</Typography.Text>;
}

function describeEntry(entry: LedgerEntry, t: TFunction): string {
  const d = entry.details as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.reason === 'string') parts.push(entry.kind === 'release' ? t(`points.releaseReasons.${d.reason}`, { defaultValue: d.reason }) : d.reason);
  if (typeof d.partner === 'string') parts.push(`${t('points.accounts.partner')} ${d.partner}`);
  if (typeof d.external_id === 'string') parts.push(d.external_id);
  if (typeof d.policy === 'string') parts.push(t(`pointsSettings.clawback.${d.policy}`, { defaultValue: d.policy }));
  if (typeof d.shortfall === 'number') parts.push(t('points.shortfall', { points: d.shortfall }));
  const explanation = d.explanation as { rule_version?: number | null } | undefined;
  if (explanation?.rule_version) parts.push(t('points.ruleVersion', { version: explanation.rule_version }));
  if (typeof d.debt_repaid === 'number') parts.push(t('points.debtRepaid', { points: d.debt_repaid }));
  return parts.join(' · ');
}

function accountLabel(account: string, t: TFunction): string {
  const [name, partner] = account.split(':');
  return `${t(`points.accounts.${name}`, { defaultValue: name })}${partner ? ` ${partner}` : ''}`;
}

const shortId = (id: string) => id.slice(-8);
const formatDate = (iso: string) => dayjs(iso).format('YYYY-MM-DD');
