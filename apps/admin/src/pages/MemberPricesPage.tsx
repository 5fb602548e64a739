import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Empty, Form, Input, Modal, Popconfirm, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { MemberPrice, Quote } from '@hearth/contracts/pricing';
import { api, ApiError, query } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { scarceErrorText, useAudiences } from './scarce-shared.tsx';

/** Member prices per SKU for a tier or a paid plan, effective-dated, and a quote of a member's cart. */
export function MemberPricesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('pricing:manage');
  const { tiers, plans } = useAudiences();
  const [sku, setSku] = useState('');
  const [prices, setPrices] = useState<MemberPrice[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();
  const audience = Form.useWatch('audience', form) as 'tier' | 'plan' | undefined;
  const load = useCallback(() => void api<{ data: MemberPrice[] }>(`/member-prices${query({ sku: sku.trim() })}`).then((r) => setPrices(r.data), (e: Error) => message.error(e.message)), [message, sku]);
  useEffect(load, [load]);
  const now = Date.now();

  const create = async () => {
    const v = (await form.validateFields()) as { sku: string; audience: 'tier' | 'plan'; audience_id: string; price: string; effective_from?: Dayjs; effective_until?: Dayjs };
    try {
      await api('/member-prices', {
        method: 'POST',
        idempotent: true,
        body: { sku: v.sku.trim(), audience: v.audience, audience_id: v.audience_id, price_fen: yuanToFen(v.price), effective_from: v.effective_from?.toISOString(), effective_until: v.effective_until?.toISOString() ?? null },
      });
      message.success(t('common.saved'));
      setCreating(false);
      load();
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name: name === 'price_fen' ? 'price' : name, errors: [e] })));
      message.error(scarceErrorText(t, error));
    }
  };
  const end = (p: MemberPrice) => void api(`/member-prices/${p.id}`, { method: 'DELETE' }).then(() => { message.success(t('pricing.prices.ended')); load(); }, (e: Error) => message.error(e.message));

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card
          title={t('pricing.prices.title')}
          data-testid="member-prices"
          extra={
            <Space>
              <Input.Search allowClear placeholder={t('pricing.prices.sku')} onSearch={setSku} style={{ width: 200 }} />
              {writable && (
                <Button type="primary" icon={<PlusOutlined />} data-testid="member-price-create" onClick={() => { form.setFieldsValue({ sku: '', audience: 'tier', audience_id: undefined, price: '' }); setCreating(true); }}>
                  {t('pricing.prices.create')}
                </Button>
              )}
            </Space>
          }
        >
          <Table<MemberPrice>
            rowKey="id"
            loading={!prices}
            dataSource={prices ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pricing.prices.empty')} /> }}
            columns={[
              { title: t('pricing.prices.sku'), dataIndex: 'sku', render: (s: string) => <Typography.Text code>{s}</Typography.Text> },
              { title: t('pricing.prices.audience'), render: (_, p) => <Space><Tag color={p.audience === 'plan' ? 'gold' : 'blue'}>{t(`pricing.prices.audiences.${p.audience}`)}</Tag>{p.audience_name ?? p.audience_id.slice(0, 8)}</Space> },
              { title: t('pricing.prices.memberPrice'), dataIndex: 'price_fen', align: 'right', render: formatFen },
              { title: t('pricing.prices.from'), dataIndex: 'effective_from', render: formatTime },
              { title: t('pricing.prices.until'), dataIndex: 'effective_until', render: (v: string | null) => (v ? formatTime(v) : t('pricing.prices.open')) },
              {
                title: t('common.actions'),
                render: (_, p) =>
                  writable && (!p.effective_until || Date.parse(p.effective_until) > now) && (
                    <Popconfirm title={t('pricing.prices.endConfirm')} onConfirm={() => end(p)}>
                      <Button size="small">{t('pricing.prices.end')}</Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={24}>
        <QuoteCard />
      </Col>
      <Modal open={creating} title={t('pricing.prices.create')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="sku" label={t('pricing.prices.sku')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} /></Form.Item>
          <Form.Item name="audience" label={t('pricing.prices.audience')}>
            <Radio.Group onChange={() => form.setFieldValue('audience_id', undefined)} options={(['tier', 'plan'] as const).map((a) => ({ value: a, label: t(`pricing.prices.audiences.${a}`) }))} />
          </Form.Item>
          <Form.Item name="audience_id" label={t('pricing.prices.target')} rules={[{ required: true }]}>
            <Select options={(audience === 'plan' ? plans : tiers).map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
          <Form.Item name="price" label={t('pricing.prices.price')} rules={[{ required: true, validator: (_, v: string) => (yuanToFen(v ?? '') === undefined ? Promise.reject(new Error(t('pricing.prices.priceInvalid'))) : Promise.resolve()) }]}>
            <Input prefix="¥" inputMode="decimal" />
          </Form.Item>
          <Space.Compact block>
            <Form.Item name="effective_from" label={t('pricing.prices.from')} style={{ flex: 1 }}><DatePicker showTime placeholder={t('pricing.prices.now')} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="effective_until" label={t('pricing.prices.until')} style={{ flex: 1 }}><DatePicker showTime placeholder={t('pricing.prices.open')} style={{ width: '100%' }} /></Form.Item>
          </Space.Compact>
        </Form>
      </Modal>
    </Row>
  );
}

function QuoteCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [memberId, setMemberId] = useState('');
  const [lines, setLines] = useState('');
  const [quote, setQuote] = useState<Quote | null>(null);
  const run = async () => {
    const parsed = lines.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [sku, qty] = l.split(/[\s,，]+/);
      return { sku: sku ?? '', qty: Number(qty ?? 1) || 1 };
    });
    try {
      setQuote(await api<Quote>('/pricing/quote', { method: 'POST', body: { member_id: memberId.trim(), lines: parsed } }));
    } catch (error) {
      message.error(error instanceof ApiError && error.problem.errors?.length ? error.problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : scarceErrorText(t, error));
    }
  };
  return (
    <Card title={t('pricing.prices.quoteTitle')}>
      <Space align="start" wrap>
        <Input placeholder={t('pricing.prices.member')} value={memberId} onChange={(e) => setMemberId(e.target.value)} style={{ width: 320 }} />
        <Input.TextArea placeholder={`${t('pricing.prices.lines')}\n${t('pricing.prices.linesHint')}`} value={lines} onChange={(e) => setLines(e.target.value)} rows={3} style={{ width: 260 }} />
        <Button type="primary" onClick={() => void run()} disabled={!memberId.trim() || !lines.trim()}>{t('pricing.prices.quote')}</Button>
      </Space>
      {quote && (
        <Table
          style={{ marginTop: 16 }}
          rowKey={(_, i) => String(i)}
          size="small"
          dataSource={quote.lines}
          pagination={false}
          columns={[
            { title: t('pricing.prices.sku'), dataIndex: 'sku' },
            { title: t('orders.qty'), dataIndex: 'qty', align: 'right' },
            { title: t('pricing.prices.listPrice'), dataIndex: 'list_price_fen', align: 'right', render: formatFen },
            { title: t('pricing.prices.memberPrice'), dataIndex: 'member_price_fen', align: 'right', render: formatFen },
            { title: t('pricing.prices.source'), render: (_, l) => (l.source.kind === 'list' ? t('pricing.prices.sourceList') : `${t(`pricing.prices.audiences.${l.source.kind}`)} · ${l.source.name ?? ''}`) },
            { title: t('pricing.prices.saving'), dataIndex: 'saving_fen', align: 'right', render: formatFen },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>{t('pricing.prices.total')}</Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">{formatFen(quote.list_total_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">{formatFen(quote.member_total_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={4} />
              <Table.Summary.Cell index={5} align="right"><Typography.Text type="success">{formatFen(quote.saving_fen)}</Typography.Text></Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      )}
    </Card>
  );
}
