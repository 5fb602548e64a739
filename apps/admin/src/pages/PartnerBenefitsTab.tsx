import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Empty, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Partner, PartnerBenefit } from '@hearth/contracts/partners';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { EligibilityInput, EligibilityTags, scarceErrorText, uploadCsv } from './scarce-shared.tsx';

interface ImportResult {
  rows: number;
  imported: number;
  rejected: number;
  errors: { line: number; field: string; code: string; message: string }[];
}

/** Partner benefits with their pools' stock: create, pause, import codes (CSV) and look at the masked codes. */
export function PartnerBenefitsTab({ partners }: { partners: Partner[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('partners:manage');
  const [benefits, setBenefits] = useState<PartnerBenefit[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [codesOf, setCodesOf] = useState<PartnerBenefit | null>(null);
  const [form] = Form.useForm();
  const load = useCallback(() => void api<{ data: PartnerBenefit[] }>('/partner-benefits').then((r) => setBenefits(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  const partnerName = (id: string) => partners.find((p) => p.id === id)?.name ?? '—';

  const create = async () => {
    const values = await form.validateFields();
    try {
      await api('/partner-benefits', { method: 'POST', body: values, idempotent: true });
      message.success(t('common.saved'));
      setCreating(false);
      load();
    } catch (error) {
      message.error(scarceErrorText(t, error));
    }
  };
  const importCodes = async (benefit: PartnerBenefit, file: File) => {
    try {
      setResult(await uploadCsv<ImportResult>(`/partner-benefits/${benefit.id}/codes/import?file_name=${encodeURIComponent(file.name)}`, file));
      load();
    } catch (error) {
      message.error(scarceErrorText(t, error));
    }
    return false;
  };
  const setStatus = (b: PartnerBenefit) => void api(`/partner-benefits/${b.id}`, { method: 'PATCH', body: { status: b.status === 'active' ? 'paused' : 'active' } }).then(load, (e: Error) => message.error(e.message));

  return (
    <>
      {writable && (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          style={{ marginBottom: 16 }}
          data-testid="partner-benefit-create"
          onClick={() => {
            form.setFieldsValue({ partner_id: partners[0]?.id, name: '', kind: 'code_pool', period: 'month', low_stock_threshold: 100, eligibility: {} });
            setCreating(true);
          }}
        >
          {t('partners.benefit.create')}
        </Button>
      )}
      <Table<PartnerBenefit>
        data-testid="partner-benefits"
        rowKey="id"
        loading={!benefits}
        dataSource={benefits ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('partners.benefit.empty')} /> }}
        columns={[
          { title: t('partners.benefit.name'), render: (_, b) => <Space orientation="vertical" size={0}><Typography.Text strong>{b.name}</Typography.Text><Typography.Text type="secondary">{partnerName(b.partner_id)}</Typography.Text></Space> },
          { title: t('partners.benefit.kind'), dataIndex: 'kind', render: (k: PartnerBenefit['kind']) => <Tag color={k === 'code_pool' ? 'blue' : 'purple'}>{t(`partners.kinds.${k}`)}</Tag> },
          { title: t('partners.benefit.period'), dataIndex: 'period', render: (p: PartnerBenefit['period']) => t(`partners.periods.${p}`) },
          { title: t('partners.benefit.eligibility'), render: (_, b) => <EligibilityTags value={b.eligibility} /> },
          {
            title: t('partners.stock'),
            render: (_, b) =>
              b.stock ? (
                <Space>
                  <span data-testid={`stock-${b.id}`}>{t('partners.stockOf', b.stock)}</span>
                  {b.low_stock && <Tag color="red">{t('partners.lowStock')}</Tag>}
                </Space>
              ) : (
                '—'
              ),
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: PartnerBenefit['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`partners.benefitStatus.${s}`)}</Tag> },
          {
            title: t('common.actions'),
            render: (_, b) => (
              <Space wrap>
                {b.kind === 'code_pool' && writable && (
                  <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(file) => importCodes(b, file)}>
                    <Button size="small" icon={<UploadOutlined />}>{t('partners.importCodes')}</Button>
                  </Upload>
                )}
                {b.kind === 'code_pool' && <Button size="small" onClick={() => setCodesOf(b)}>{t('partners.viewCodes')}</Button>}
                {writable && <Button size="small" onClick={() => setStatus(b)}>{b.status === 'active' ? t('partners.pause') : t('partners.resume')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('partners.importHint')}</Typography.Paragraph>

      <Modal open={creating} title={t('partners.benefit.create')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.save')} okButtonProps={{ 'data-testid': 'partner-benefit-save' }} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="partner_id" label={t('partners.benefit.partner')} rules={[{ required: true }]}>
            <Select options={partners.filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: p.name }))} />
          </Form.Item>
          <Form.Item name="name" label={t('partners.benefit.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} data-testid="partner-benefit-name" /></Form.Item>
          <Form.Item name="kind" label={t('partners.benefit.kind')}>
            <Radio.Group options={(['code_pool', 'callback'] as const).map((k) => ({ value: k, label: t(`partners.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="period" label={t('partners.benefit.period')}>
            <Select options={(['once', 'day', 'week', 'month', 'year'] as const).map((p) => ({ value: p, label: t(`partners.periods.${p}`) }))} />
          </Form.Item>
          <Form.Item name="low_stock_threshold" label={t('partners.benefit.threshold')}><InputNumber min={0} max={1_000_000} /></Form.Item>
          <Form.Item name="eligibility" label={t('partners.benefit.eligibility')} extra={t('partners.eligibility.any')}><EligibilityInput /></Form.Item>
        </Form>
      </Modal>

      <Modal open={result !== null} title={result ? t('partners.importResult', { rows: result.rows, imported: result.imported, rejected: result.rejected }) : ''} onCancel={() => setResult(null)} footer={null} width={640}>
        {result && result.errors.length > 0 ? (
          <Table rowKey={(r) => `${r.line}-${r.code}`} size="small" dataSource={result.errors} pagination={{ pageSize: 10 }} columns={[
            { title: t('partners.line'), dataIndex: 'line', width: 80 },
            { title: t('partners.reason'), dataIndex: 'code', render: (c: string) => t(`partners.errorCodes.${c}`, { defaultValue: c }) },
          ]} />
        ) : (
          <Alert type="success" title={result ? t('partners.importResult', { rows: result.rows, imported: result.imported, rejected: result.rejected }) : ''} />
        )}
      </Modal>
      <Modal open={codesOf !== null} title={codesOf?.name} onCancel={() => setCodesOf(null)} footer={null} width={640} destroyOnHidden>
        {codesOf && <PoolCodes benefitId={codesOf.id} />}
      </Modal>
    </>
  );
}

function PoolCodes({ benefitId }: { benefitId: string }) {
  const { t } = useTranslation();
  const list = useCursorList<{ id: string; code: string; status: 'available' | 'allocated'; allocated_at: string | null }>(`/partner-benefits/${benefitId}/codes`, {});
  return (
    <>
      <Table rowKey="id" size="small" loading={list.loading} dataSource={list.rows} pagination={false} columns={[
        { title: t('partners.code'), dataIndex: 'code', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
        { title: t('common.status'), dataIndex: 'status', render: (s: 'available' | 'allocated') => <Tag color={s === 'available' ? 'green' : 'blue'}>{t(`partners.codeStatus.${s}`)}</Tag> },
        { title: t('partners.allocatedAt'), dataIndex: 'allocated_at', render: formatTime },
      ]} />
      {list.hasMore && <Button block style={{ marginTop: 8 }} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
    </>
  );
}
