import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, Card, Descriptions, Empty, Form, Input, InputNumber, Progress, Select, Space, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { Coupon, CouponIssuance, CouponTemplate } from '@hearth/contracts/coupons';
import type { Member } from '@hearth/contracts/members';
import { api, query, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { couponErrorText, describeValue } from './coupon-text.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Issue coupons of a template: to one member, to a pasted list of member ids, or to the phones of a CSV; bulk runs are jobs shown with their progress. */
export function CouponIssuePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const [jobs, setJobs] = useState<CouponIssuance[] | null>(null);
  const templateId = params.get('template') ?? undefined;
  const template = templates.find((x) => x.id === templateId);

  const loadJobs = useCallback(() => api<{ data: CouponIssuance[] }>('/coupon-issuances').then((r) => setJobs(r.data), (e: Error) => message.error(e.message)), [message]);
  const reloadJobs = useRef(loadJobs);
  reloadJobs.current = loadJobs;
  useEffect(() => {
    void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), (e: Error) => message.error(e.message));
    void loadJobs();
  }, [loadJobs, message]);
  const running = jobs?.some((j) => j.status === 'queued' || j.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reloadJobs.current(), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const names = new Map(templates.map((x) => [x.id, x.name]));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('coupons.issueTitle')} data-testid="coupon-issue">
        <Form layout="vertical" style={{ maxWidth: 720 }}>
          <Form.Item label={t('coupons.template')} extra={template && describeValue(t, template.terms)}>
            <Select
              showSearch
              optionFilterProp="label"
              placeholder={t('coupons.chooseTemplate')}
              value={templateId}
              onChange={(id: string) => setParams({ template: id }, { replace: true })}
              options={templates.filter((x) => x.status === 'active').map((x) => ({ value: x.id, label: x.name }))}
              data-testid="coupon-issue-template"
            />
          </Form.Item>
        </Form>
        <Tabs
          items={[
            { key: 'single', label: t('coupons.single'), children: <SingleIssue templateId={templateId} /> },
            { key: 'list', label: t('coupons.list'), children: <ListIssue templateId={templateId} onStarted={loadJobs} /> },
            { key: 'csv', label: t('coupons.csv'), children: <CsvIssue templateId={templateId} onStarted={loadJobs} /> },
          ]}
        />
      </Card>
      <Card title={t('coupons.jobs')} size="small">
        <Table<CouponIssuance>
          rowKey="id"
          size="small"
          loading={!jobs}
          dataSource={jobs ?? []}
          pagination={false}
          data-testid="coupon-issuances"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('coupons.noJobs')} /> }}
          columns={[
            { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
            { title: t('coupons.template'), dataIndex: 'template_id', render: (id: string) => names.get(id) ?? id },
            { title: t('coupons.source'), dataIndex: 'file_name', render: (v: string | null) => v ?? t('coupons.idList') },
            { title: t('common.status'), dataIndex: 'status', render: (v: CouponIssuance['status']) => <Tag color={v === 'succeeded' ? 'green' : v === 'failed' ? 'red' : 'blue'}>{t(`coupons.jobStatus.${v}`)}</Tag> },
            {
              title: t('coupons.processed'),
              width: 200,
              render: (_, r) => <Progress size="small" percent={r.total ? Math.min(100, Math.round((r.processed / r.total) * 100)) : r.status === 'succeeded' ? 100 : 0} status={r.status === 'failed' ? 'exception' : undefined} />,
            },
            { title: t('coupons.total'), dataIndex: 'total', align: 'right', render: (v: number | null) => v ?? '—' },
            { title: t('coupons.issued'), dataIndex: 'issued', align: 'right' },
            { title: t('coupons.skipped'), dataIndex: 'skipped', align: 'right' },
            {
              title: t('common.actions'),
              render: (_, r) =>
                r.skipped > 0 && (
                  <Button size="small" href={`/api/v1/coupon-issuances/${r.id}/errors.csv`}>
                    {t('coupons.errorsCsv')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function SingleIssue({ templateId }: { templateId: string | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [member, setMember] = useState<Member | null>(null);
  const [quantity, setQuantity] = useState<number | null>(1);
  const [issued, setIssued] = useState<Coupon[]>([]);
  const [busy, setBusy] = useState(false);
  // One key per intended issuance: a double click or a retry after a timeout issues nothing twice.
  const key = useRef(crypto.randomUUID());

  const find = async (text: string) => {
    const value = text.trim();
    if (!value) return;
    const phoneLike = /^\+?\d{11,15}$/.test(value);
    const page = await api<Page<Member>>(`/members${query({ [phoneLike ? 'phone' : 'member_no']: value, limit: 1 })}`).catch((e: Error) => {
      message.error(e.message);
      return null;
    });
    setMember(page?.data[0] ?? null);
    setIssued([]);
    key.current = crypto.randomUUID();
    if (page && !page.data.length) message.warning(t('coupons.memberNotFound'));
  };

  const issue = async () => {
    if (!templateId) return message.warning(t('coupons.chooseFirst'));
    setBusy(true);
    try {
      const result = await api<{ data: Coupon[] }>('/coupons/issue', { method: 'POST', body: { template_id: templateId, member_id: member!.id, quantity: quantity ?? 1, issuance_key: key.current } });
      setIssued(result.data);
      key.current = crypto.randomUUID();
      message.success(t('coupons.issuedToMember', { count: result.data.length }));
    } catch (error) {
      message.error(couponErrorText(t, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%', maxWidth: 720 }}>
      <Input.Search placeholder={t('coupons.memberLookup')} enterButton={t('coupons.find')} onSearch={find} allowClear data-testid="coupon-issue-member" />
      {member && (
        <>
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('members.memberNo')}>{member.member_no}</Descriptions.Item>
            <Descriptions.Item label={t('members.name')}>{member.name ?? member.nickname ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('members.phone')}>{member.phone ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Space>
            <Typography.Text>{t('coupons.quantity')}</Typography.Text>
            <InputNumber min={1} max={100} precision={0} value={quantity} onChange={setQuantity} />
            <Button type="primary" loading={busy} disabled={!templateId} onClick={issue} data-testid="coupon-issue-single">
              {t('coupons.issueTo', { name: member.name ?? member.member_no })}
            </Button>
          </Space>
        </>
      )}
      {issued.map((c) => (
        <Typography.Text key={c.id} code copyable>
          {c.code}
        </Typography.Text>
      ))}
    </Space>
  );
}

function ListIssue({ templateId, onStarted }: { templateId: string | undefined; onStarted: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const start = async () => {
    if (!templateId) return message.warning(t('coupons.chooseFirst'));
    const ids = [...new Set(text.split(/[\s,，;；]+/).filter(Boolean))];
    const bad = ids.findIndex((id) => !uuidPattern.test(id));
    if (bad >= 0) return setError(t('coupons.badIds', { line: bad + 1, value: ids[bad] }));
    setError(undefined);
    setBusy(true);
    try {
      // The key is the list's digest: the same list for the same template again is the same issuance.
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode([...ids].sort().join(','))));
      const issuanceKey = `ids:${templateId}:${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
      await api('/coupon-issuances', { method: 'POST', body: { template_id: templateId, member_ids: ids, issuance_key: issuanceKey } });
      message.success(t('coupons.bulkStarted'));
      onStarted();
    } catch (e) {
      message.error(couponErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form layout="vertical" style={{ maxWidth: 720 }}>
      <Form.Item label={t('coupons.memberIds')} extra={t('coupons.memberIdsHint')} validateStatus={error ? 'error' : undefined} help={error}>
        <Input.TextArea rows={6} value={text} onChange={(e) => setText(e.target.value)} style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Button type="primary" loading={busy} disabled={!templateId || !text.trim()} onClick={start}>
        {t('coupons.startBulk')}
      </Button>
    </Form>
  );
}

function CsvIssue({ templateId, onStarted }: { templateId: string | undefined; onStarted: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  // The shared CsvImportCard reads `<base>/imports` rows with total_rows/failed; issuances are their own list
  // (id lists too) and need the template on the upload, so only its streaming upload is repeated here.
  const upload = async (file: File) => {
    if (!templateId) {
      message.warning(t('coupons.chooseFirst'));
      return false;
    }
    const response = await fetch(`/api/v1/coupon-issuances/import${query({ template_id: templateId, issuance_key: crypto.randomUUID(), file_name: file.name })}`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'text/csv', [CSRF_HEADER]: '1' },
      body: file,
    });
    if (!response.ok) message.error(((await response.json().catch(() => ({}))) as { detail?: string }).detail ?? `HTTP ${response.status}`);
    else message.success(t('coupons.bulkStarted'));
    onStarted();
    return false;
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('coupons.csvHint')}</Typography.Paragraph>
      <Upload.Dragger accept=".csv,text/csv" showUploadList={false} beforeUpload={upload} disabled={!templateId}>
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{templateId ? t('imports.upload') : t('coupons.chooseFirst')}</p>
      </Upload.Dragger>
    </>
  );
}
