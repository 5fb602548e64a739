import { useCallback, useEffect, useState } from 'react';
import { App, Button, DatePicker, Empty, Select, Space, Table, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Partner } from '@hearth/contracts/partners';
import { api, query } from '../api.ts';
import { useSession } from '../session.tsx';
import { scarceErrorText, uploadCsv } from './scarce-shared.tsx';

interface UsageRow {
  partner_id: string;
  partner_name: string;
  month: string;
  allocations: number;
  redemptions: number;
}

/** Settlement with partners: allocations and redemptions per partner and month; redemption CSVs come in here. */
export function PartnerUsageTab({ partners }: { partners: Partner[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(5, 'month'), dayjs()]);
  const [partnerId, setPartnerId] = useState<string | undefined>();
  const [rows, setRows] = useState<UsageRow[] | null>(null);
  const load = useCallback(
    () =>
      void api<{ data: UsageRow[] }>(`/partners/usage${query({ from: range[0].format('YYYY-MM'), to: range[1].format('YYYY-MM'), partner_id: partnerId })}`).then(
        (r) => setRows(r.data),
        (e: Error) => message.error(e.message),
      ),
    [message, range, partnerId],
  );
  useEffect(load, [load]);
  const importRedemptions = async (file: File) => {
    if (!partnerId) return false;
    try {
      const r = await uploadCsv<{ redeemed: number; already: number; unknown: unknown[] }>(`/partners/${partnerId}/redemptions/import`, file);
      message.success(t('partners.usage.redemptionsResult', { redeemed: r.redeemed, already: r.already, unknown: r.unknown.length }));
      load();
    } catch (error) {
      message.error(scarceErrorText(t, error));
    }
    return false;
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker picker="month" value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
        <Select allowClear style={{ width: 200 }} placeholder={t('partners.usage.partner')} value={partnerId} onChange={setPartnerId} options={partners.map((p) => ({ value: p.id, label: p.name }))} />
        {can('partners:manage') && (
          <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={importRedemptions} disabled={!partnerId}>
            <Button icon={<UploadOutlined />} disabled={!partnerId} title={t('partners.usage.redemptionsHint')}>{t('partners.usage.importRedemptions')}</Button>
          </Upload>
        )}
      </Space>
      <Table<UsageRow>
        rowKey={(r) => `${r.partner_id}-${r.month}`}
        loading={!rows}
        dataSource={rows ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('partners.usage.empty')} /> }}
        columns={[
          { title: t('partners.usage.month'), dataIndex: 'month' },
          { title: t('partners.usage.partner'), dataIndex: 'partner_name' },
          { title: t('partners.usage.allocations'), dataIndex: 'allocations', align: 'right' },
          { title: t('partners.usage.redemptions'), dataIndex: 'redemptions', align: 'right' },
          { title: t('partners.usage.rate'), align: 'right', render: (_, r) => (r.allocations ? `${((r.redemptions / r.allocations) * 100).toFixed(1)}%` : '—') },
        ]}
        summary={(data) => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={2}>{t('pricing.prices.total')}</Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">{data.reduce((s, r) => s + r.allocations, 0)}</Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">{data.reduce((s, r) => s + r.redemptions, 0)}</Table.Summary.Cell>
            <Table.Summary.Cell index={4} />
          </Table.Summary.Row>
        )}
      />
    </>
  );
}
