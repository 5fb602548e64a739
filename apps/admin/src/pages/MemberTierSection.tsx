import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { MemberTier, TierHistoryEntry } from '@hearth/contracts/tiers';
import { api, ApiError } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

/** The member 360's tiers: current tier per ladder, what is missing to go up or stay, and the history. */
export function MemberTierSection(props: { memberId: string; active: boolean }) {
  const { can } = useSession();
  return can('tiers:read') ? <TierCard {...props} /> : null;
}

function TierCard({ memberId, active }: { memberId: string; active: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [tiers, setTiers] = useState<MemberTier[] | null>(null);
  const [history, setHistory] = useState<TierHistoryEntry[]>([]);
  const [assigning, setAssigning] = useState<MemberTier | null>(null);
  const load = useCallback(() => {
    void Promise.all([api<{ data: MemberTier[] }>(`/members/${memberId}/tier`), api<{ data: TierHistoryEntry[] }>(`/members/${memberId}/tier/history`)]).then(
      ([current, past]) => {
        setTiers(current.data);
        setHistory(past.data);
      },
      (e: Error) => message.error(e.message),
    );
  }, [memberId, message]);
  useEffect(load, [load]);
  if (tiers && !tiers.length) return null;
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const metricValue = (key: string, value: number | null) => (value === null ? '—' : key.startsWith('spend_fen') ? formatFen(value) : String(value));
  const metricLabel = (key: string) => {
    const [metric, window] = key.split('@');
    const w = window!.startsWith('rolling_') ? `${window!.slice(8, -1)}m` : t(`tiers.windows.${window}`);
    return `${t(`tiers.metrics.${metric}`)} · ${w}`;
  };

  return (
    <Card title={t('tiers.memberSection')} size="small" loading={!tiers} data-testid="member-tier">
      {tiers?.map((m) => (
        <div key={m.program.id} style={{ marginBottom: 16 }}>
          <Space align="center" style={{ marginBottom: 8 }} wrap>
            <Tag color={m.tier.color} style={{ fontSize: 16, padding: '4px 12px' }} data-testid="member-tier-name">{m.tier.name}</Tag>
            <Typography.Text type="secondary">{m.program.name}</Typography.Text>
            {m.tier.earning_multiplier !== 1 && <Tag>{`${t('tiers.multiplier')} ${m.tier.earning_multiplier}`}</Tag>}
            {can('tiers:assign') && active && (
              <Button size="small" onClick={() => setAssigning(m)}>
                {t('tiers.assign')}
              </Button>
            )}
          </Space>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('tiers.since')}>{formatTime(m.since)}</Descriptions.Item>
            <Descriptions.Item label={t('tiers.validUntil')}>{formatTime(m.valid_until)}</Descriptions.Item>
            {m.manual && <Descriptions.Item label={t('tiers.manual')}>{t('tiers.manualUntil', { date: formatTime(m.manual.until), reason: m.manual.reason })}</Descriptions.Item>}
            {m.grace && <Descriptions.Item label={t('tiers.grace')}>{t('tiers.graceUntil', { date: formatTime(m.grace.until), tier: m.grace.to_tier_code })}</Descriptions.Item>}
          </Descriptions>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              {m.next && <Typography.Paragraph data-testid="member-tier-next"><Tag color="orange">{t('tiers.next')}</Tag>{m.next.message[lang]}</Typography.Paragraph>}
              {m.keep && <Typography.Paragraph><Tag color={m.keep.met ? 'green' : 'red'}>{t('tiers.keep')}</Tag>{m.keep.message[lang]}</Typography.Paragraph>}
            </Col>
            <Col xs={24} md={12}>
              <Descriptions size="small" column={1} title={<Typography.Text type="secondary">{t('tiers.metricsSoFar')}</Typography.Text>}>
                {Object.entries(m.metrics).map(([key, value]) => (
                  <Descriptions.Item key={key} label={metricLabel(key)}>{metricValue(key, value)}</Descriptions.Item>
                ))}
              </Descriptions>
            </Col>
          </Row>
        </div>
      ))}
      <Typography.Title level={5}>{t('tiers.history')}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        dataSource={history}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          { title: t('points.time'), dataIndex: 'at', render: (v: string) => formatTime(v) },
          { title: t('tiers.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`tiers.kinds.${k}`)}</Tag> },
          { title: t('tiers.tierName'), render: (_, h) => `${h.from_tier ?? '—'} → ${h.to_tier}` },
          { title: t('tiers.reason'), dataIndex: 'reason' },
          { title: t('tiers.version', { version: '' }).trim(), dataIndex: 'rule_version', render: (v: number | null) => v ?? '—' },
          { title: t('tiers.metricsSoFar'), dataIndex: 'metrics', render: (metrics: Record<string, number | null>) => Object.entries(metrics).map(([k, v]) => <div key={k}>{`${metricLabel(k)}: ${metricValue(k, v)}`}</div>) },
          { title: t('points.actor'), dataIndex: 'actor' },
        ]}
      />
      {assigning && <AssignModal memberId={memberId} current={assigning} onClose={() => setAssigning(null)} onDone={() => { setAssigning(null); load(); }} />}
    </Card>
  );
}

function AssignModal({ memberId, current, onClose, onDone }: { memberId: string; current: MemberTier; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ tier_code: string; until: Dayjs; reason: string }>();
  const [tiers, setTiers] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    void api<{ tiers: { code: string; name: string }[] }>(`/tier-programs/${current.program.id}`).then((p) => setTiers(p.tiers));
  }, [current.program.id]);
  const submit = async () => {
    const values = await form.validateFields();
    try {
      await api(`/members/${memberId}/tier/assignments`, { method: 'POST', idempotent: true, body: { program_id: current.program.id, tier_code: values.tier_code, until: values.until.toISOString(), reason: values.reason } });
      message.success(t('tiers.assigned'));
      onDone();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name, errors: [e] })) as never);
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open title={t('tiers.assign')} onOk={submit} onCancel={onClose}>
      <Form form={form} layout="vertical">
        <Form.Item name="tier_code" label={t('tiers.assignTier')} rules={[{ required: true }]}>
          <Select options={tiers.map((tier) => ({ value: tier.code, label: tier.name }))} />
        </Form.Item>
        <Form.Item name="until" label={t('tiers.until')} rules={[{ required: true }]}>
          <DatePicker showTime style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('tiers.reason')} rules={[{ required: true }]}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
