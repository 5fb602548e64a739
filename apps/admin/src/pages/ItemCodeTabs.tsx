import { useEffect, useState } from 'react';
import { Alert, App, Button, Descriptions, Empty, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { CodeLookup as Lookup, DeskWarranty, codeFlagSchema, itemCodeSettingsSchema } from '@hearth/contracts/item-codes';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { problemText } from './after-sales-shared.tsx';
import { MemberLink } from './growth-shared.tsx';

type Flag = z.infer<typeof codeFlagSchema>;
type Settings = z.infer<typeof itemCodeSettingsSchema>;
const flagKinds: Flag['kind'][] = ['member_burst', 'distant_scans', 'inactive_batch', 'second_claimer'];
const place = (province: string | null, city: string | null) => [province, city].filter(Boolean).join(' ') || '—';
const memberLink = (id: string | null, no: string | null, anonymous: string) => (id ? <MemberLink id={id} no={no} /> : anonymous);

/** One code: genuine or not, where and when it was scanned, who claimed it. Reading records no scan. */
export function CodeLookup({ initial }: { initial?: string }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<Lookup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState(initial ?? '');
  const look = async (value: string) => {
    setFound(null);
    setError(null);
    if (!value.trim()) return;
    try {
      setFound(await api<Lookup>(`/item-codes/codes/${encodeURIComponent(value.trim())}`));
    } catch (e) {
      setError(problemText(t, 'itemCodes', e));
    }
  };
  useEffect(() => {
    if (initial) {
      setText(initial);
      void look(initial);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.Search value={text} onChange={(e) => setText(e.target.value)} placeholder={t('itemCodes.lookupPlaceholder')} enterButton={t('common.search')} onSearch={(v) => void look(v)} style={{ maxWidth: 520 }} data-testid="code-lookup" />
      <Typography.Text type="secondary">{t('itemCodes.lookupHint')}</Typography.Text>
      {error && <Alert type="warning" showIcon title={error} />}
      {found && (
        <>
          <Descriptions bordered size="small" column={2} data-testid="code-lookup-result">
            <Descriptions.Item label={t('itemCodes.code')}><Typography.Text code>{found.code}</Typography.Text> <Tag color={found.result === 'genuine' ? 'green' : 'red'}>{t(`itemCodes.result.${found.result}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.product')}>{found.batch.sku} {found.batch.product_name ?? ''}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.batch')}>{found.batch.name || found.batch.id.slice(0, 8)} <Tag>{t(`itemCodes.status.${found.batch.status}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.seq')}>{found.seq}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.scanCount')}>{found.scan_count}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.flagged')}>{found.flagged ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.firstScan')}>{formatTime(found.first_scanned_at)} {place(found.first_province, found.first_city)}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.lastScan')}>{formatTime(found.last_scanned_at)} {found.last_province ?? ''}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.claimedBy')}>{memberLink(found.claimed_by, found.claimed_by_no, '—')}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.claimedAt')}>{formatTime(found.claimed_at)}</Descriptions.Item>
            <Descriptions.Item label={t('itemCodes.warranty')} span={2}>
              {found.warranty ? `${found.warranty.purchase_date} → ${t('itemCodes.warrantyUntil', { date: found.warranty.expires_on })}${found.warranty.store_name ? ` · ${found.warranty.store_name}` : ''}` : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('itemCodes.scans')}</Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={found.scans}
            columns={[
              { title: t('itemCodes.scannedAt'), render: (_, s) => formatTime(s.scanned_at) },
              { title: t('common.status'), render: (_, s) => <Tag color={s.result === 'genuine' ? 'green' : 'red'}>{t(`itemCodes.result.${s.result}`)}</Tag> },
              { title: t('itemCodes.place'), render: (_, s) => place(s.province, s.city) },
              { title: t('itemCodes.member'), render: (_, s) => memberLink(s.member_id, s.member_no, t('itemCodes.anonymous')) },
            ]}
          />
        </>
      )}
    </Space>
  );
}

/** Suspicious scans, newest first, by kind; a code opens in the lookup. */
export function CodeFlags({ onOpenCode }: { onOpenCode: (code: string) => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<string | undefined>();
  const list = useCursorList<Flag>('/item-codes/flags', { kind });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Select allowClear placeholder={t('itemCodes.flagFilter')} style={{ width: 220 }} value={kind} onChange={setKind} options={flagKinds.map((k) => ({ value: k, label: t(`itemCodes.flagKind.${k}`) }))} />
      <Table<Flag>
        rowKey="id"
        size="small"
        loading={list.loading && !list.rows.length}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        columns={[
          { title: t('common.createdAt'), render: (_, f) => formatTime(f.created_at) },
          { title: t('itemCodes.flagFilter'), render: (_, f) => <Tag color="orange">{t(`itemCodes.flagKind.${f.kind}`)}</Tag> },
          { title: t('itemCodes.code'), render: (_, f) => (f.code ? <a onClick={() => onOpenCode(f.code!)}>{f.code}</a> : '—') },
          { title: t('itemCodes.member'), render: (_, f) => memberLink(f.member_id, f.member_no, '—') },
          { title: t('itemCodes.details'), render: (_, f) => <Typography.Text type="secondary">{Object.entries(f.details).filter(([k]) => k !== 'scan_id').map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</Typography.Text> },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} loading={list.loading}>{t('common.loadMore')}</Button>}
    </Space>
  );
}

/** Every member's registered warranties, newest first. */
export function CodeWarranties({ onOpenCode }: { onOpenCode: (code: string) => void }) {
  const { t } = useTranslation();
  const [sku, setSku] = useState<string | undefined>();
  const list = useCursorList<DeskWarranty>('/item-codes/warranties', { sku });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.Search placeholder={t('itemCodes.skuFilter')} allowClear onSearch={(v) => setSku(v.trim() || undefined)} style={{ width: 260 }} />
      <Table<DeskWarranty>
        rowKey="id"
        size="small"
        loading={list.loading && !list.rows.length}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        columns={[
          { title: t('itemCodes.code'), render: (_, w) => <a onClick={() => onOpenCode(w.code)}>{w.code}</a> },
          { title: t('itemCodes.sku'), dataIndex: 'sku' },
          { title: t('itemCodes.member'), render: (_, w) => memberLink(w.member_id, w.member_no, '—') },
          { title: t('itemCodes.purchaseDate'), dataIndex: 'purchase_date' },
          { title: t('itemCodes.store'), render: (_, w) => w.store_name ?? '—' },
          { title: t('itemCodes.expiresOn'), dataIndex: 'expires_on' },
          { title: t('itemCodes.registeredAt'), render: (_, w) => formatTime(w.created_at) },
        ]}
      />
      {list.hasMore && <Button onClick={list.loadMore} loading={list.loading}>{t('common.loadMore')}</Button>}
    </Space>
  );
}

/** The fraud thresholds and where the printed QR codes point. */
export function ItemCodeSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<Settings>();
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    api<Settings>('/item-codes/settings').then((s) => {
      form.setFieldsValue(s);
      setLoaded(true);
    }, (e: unknown) => message.error(problemText(t, 'itemCodes', e)));
  }, [form, message, t]);
  const save = async () => {
    const v = await form.validateFields();
    try {
      form.setFieldsValue(await api<Settings>('/item-codes/settings', { method: 'PUT', body: { ...v, qr_base_url: v.qr_base_url || null } }));
      message.success(t('common.saved'));
    } catch (error) {
      message.error(problemText(t, 'itemCodes', error));
    }
  };
  return (
    <Form form={form} layout="vertical" style={{ maxWidth: 520 }} disabled={!loaded || !can('item_codes:manage')}>
      <Form.Item name="member_daily_scans" label={t('itemCodes.memberDailyScans')} rules={[{ required: true }]}><InputNumber min={1} max={10_000} precision={0} /></Form.Item>
      <Form.Item name="distant_minutes" label={t('itemCodes.distantMinutes')} rules={[{ required: true }]}><InputNumber min={1} max={10_080} precision={0} /></Form.Item>
      <Form.Item name="qr_base_url" label={t('itemCodes.qrBaseUrl')} rules={[{ type: 'url' }]}><Input placeholder="https://m.example.com/scan" maxLength={300} /></Form.Item>
      <Button type="primary" onClick={() => void save()}>{t('common.save')}</Button>
    </Form>
  );
}
