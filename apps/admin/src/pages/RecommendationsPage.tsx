import { useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Form, InputNumber, Row, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Member } from '@hearth/contracts/members';
import type { RecommendationRun, RecommendationSettings, RecommendedItem, Recommendations } from '@hearth/contracts/recommendations';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { MemberFinder, problemText } from './after-sales-shared.tsx';

/** 商品推荐: the settings, the co-purchase statistics with a rebuild, and one member's lists as they see them. */
export function RecommendationsPage() {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="recommendations-page">
      <Row gutter={16}>
        <Col xs={24} lg={12}><RunCard /></Col>
        <Col xs={24} lg={12}><SettingsCard /></Col>
      </Row>
      <Card title={t('recs.preview')}><MemberPreview /></Card>
    </Space>
  );
}

function RunCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [run, setRun] = useState<RecommendationRun | null | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<RecommendationRun | null>('/recommendations/runs/last').then(setRun, (e: unknown) => message.error(problemText(t, 'recs', e)));
  }, [message, t]);
  const rebuild = async () => {
    setBusy(true);
    try {
      setRun(await api<RecommendationRun>('/recommendations/runs', { method: 'POST' }));
      message.success(t('recs.rebuilt'));
    } catch (error) {
      message.error(problemText(t, 'recs', error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('recs.run')} style={{ height: '100%' }} extra={can('recommendations:manage') && <Button icon={<ReloadOutlined />} loading={busy} onClick={() => void rebuild()} data-testid="recs-rebuild">{t('recs.rebuild')}</Button>}>
      {run === null ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recs.neverRun')} />
      ) : (
        <Descriptions column={1} size="small" data-testid="recs-run">
          <Descriptions.Item label={t('recs.computedAt')}>{formatTime(run?.computed_at)}</Descriptions.Item>
          <Descriptions.Item label={t('recs.window')}>{run ? `${run.window_from.slice(0, 10)} ~ ${run.window_to.slice(0, 10)}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('recs.baskets')}>{run?.baskets.toLocaleString() ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('recs.items')}>{run?.items.toLocaleString() ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('recs.pairs')}>{run?.pairs.toLocaleString() ?? '—'}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

function SettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<RecommendationSettings>();
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    api<RecommendationSettings>('/recommendations/settings').then((s) => {
      form.setFieldsValue(s);
      setLoaded(true);
    }, (e: unknown) => message.error(problemText(t, 'recs', e)));
  }, [form, message, t]);
  const save = async () => {
    const v = await form.validateFields();
    try {
      form.setFieldsValue(await api<RecommendationSettings>('/recommendations/settings', { method: 'PUT', body: v }));
      message.success(t('common.saved'));
    } catch (error) {
      message.error(problemText(t, 'recs', error));
    }
  };
  return (
    <Card title={t('recs.settings')} style={{ height: '100%' }}>
      <Form form={form} layout="horizontal" labelCol={{ span: 12 }} disabled={!loaded || !can('recommendations:manage')}>
        <Form.Item name="lookback_days" label={t('recs.lookbackDays')} rules={[{ required: true }]}><InputNumber min={7} max={1095} precision={0} /></Form.Item>
        <Form.Item name="min_support" label={t('recs.minSupport')} rules={[{ required: true }]}><InputNumber min={1} max={100_000} precision={0} /></Form.Item>
        <Form.Item name="exclusion_days" label={t('recs.exclusionDays')} rules={[{ required: true }]}><InputNumber min={0} max={3650} precision={0} /></Form.Item>
        <Typography.Paragraph type="secondary">{t('recs.settingsHint')}</Typography.Paragraph>
        <Button type="primary" onClick={() => void save()}>{t('common.save')}</Button>
      </Form>
    </Card>
  );
}

function MemberPreview() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [member, setMember] = useState<Member | null>(null);
  const [recs, setRecs] = useState<Recommendations | null>(null);
  const found = (m: Member | null) => {
    setMember(m);
    setRecs(null);
    if (m) void api<Recommendations>(`/members/${m.id}/recommendations?limit=10`).then(setRecs, (e: unknown) => message.error(problemText(t, 'recs', e)));
  };
  const columns = [
    { title: t('recs.name'), render: (_: unknown, r: RecommendedItem) => <Space orientation="vertical" size={0}><Typography.Text strong>{r.name}</Typography.Text><Typography.Text type="secondary">{r.sku}</Typography.Text></Space> },
    { title: t('recs.category'), dataIndex: 'category' },
    { title: t('recs.price'), render: (_: unknown, r: RecommendedItem) => formatFen(r.list_price_fen) },
    { title: t('recs.reason'), render: (_: unknown, r: RecommendedItem) => <Tag color={r.reason === 'co_purchase' ? 'orange' : 'default'}>{t(`recs.reasons.${r.reason}`)}</Tag> },
    { title: t('recs.becauseOf'), render: (_: unknown, r: RecommendedItem) => r.because_of ?? '—' },
    { title: t('recs.confidence'), render: (_: unknown, r: RecommendedItem) => (r.reason === 'co_purchase' ? `${(r.confidence_bp / 100).toFixed(1)}%` : '—') },
    { title: t('recs.lift'), render: (_: unknown, r: RecommendedItem) => (r.reason === 'co_purchase' ? (r.lift_bp / 10_000).toFixed(2) : '—') },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <MemberFinder placeholder={t('recs.memberLookup')} onFound={found} testId="recs-member" />
      {member && <Typography.Text>{`${member.member_no} ${member.name ?? member.nickname ?? ''} ${member.phone ?? ''}`}</Typography.Text>}
      {recs && (
        <>
          <Space>
            <Tag color={recs.basis === 'history' ? 'green' : 'default'} data-testid="recs-basis">{t(`recs.basis.${recs.basis}`)}</Tag>
            <Typography.Text type="secondary">{t('recs.computedAt')} {formatTime(recs.computed_at)}</Typography.Text>
          </Space>
          {(['complementary', 'upgrade'] as const).map((kind) => (
            <div key={kind}>
              <Typography.Title level={5}>{t(`recs.${kind}`)}</Typography.Title>
              <Table<RecommendedItem> rowKey="sku" size="small" pagination={false} dataSource={recs[kind]} columns={columns} locale={{ emptyText: t('recs.empty') }} data-testid={`recs-${kind}`} />
            </div>
          ))}
        </>
      )}
    </Space>
  );
}
