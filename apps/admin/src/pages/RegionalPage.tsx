import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, InputNumber, Segmented, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import type { Forecast, RegionalReport } from '@hearth/contracts/analytics';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';

type Level = 'province' | 'city' | 'store';
type Row = RegionalReport['rows'][number];

const change = (bp: number | null) => (bp === null ? '—' : <span style={{ color: bp < 0 ? '#cf1322' : '#389e0d' }}>{`${bp > 0 ? '+' : ''}${(bp / 100).toFixed(1)}%`}</span>);

/** Sales by region against last year and the trailing mean, drops in red; and a seasonal forecast. */
export function RegionalPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [level, setLevel] = useState<Level>('city');
  const [period, setPeriod] = useState<'week' | 'month'>('month');
  const [at, setAt] = useState<Dayjs | null>(null);
  const [trailing, setTrailing] = useState(3);
  const [report, setReport] = useState<RegionalReport | null>(null);
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const load = useCallback(() => {
    const query = new URLSearchParams({ level, period, trailing: String(trailing), ...(at ? { at: at.format('YYYY-MM-DD') } : {}) });
    void api<RegionalReport>(`/analytics/regional?${query}`).then(setReport, (e: Error) => message.error(e.message));
    void api<Forecast>(`/analytics/regional/forecast?level=${level}&horizon=3`).then(setForecast, (e: Error) => message.error(e.message));
  }, [level, period, at, trailing, message]);
  useEffect(load, [load]);

  const forecastMonths = forecast?.series[0]?.forecast.map((f) => f.month) ?? [];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('regional.title')}
        extra={
          <Space wrap>
            <Segmented<Level> value={level} onChange={setLevel} options={(['province', 'city', 'store'] as const).map((v) => ({ value: v, label: t(`regional.${v}`) }))} />
            <Segmented<'week' | 'month'> value={period} onChange={setPeriod} options={[{ value: 'week', label: t('regional.week') }, { value: 'month', label: t('regional.month') }]} />
            <DatePicker value={at} onChange={setAt} picker={period} placeholder={t('regional.lastComplete')} />
            <InputNumber min={2} max={12} value={trailing} onChange={(v) => setTrailing(v ?? 3)} addonBefore={t('regional.trailing')} style={{ width: 150 }} />
            <Button icon={<ReloadOutlined />} onClick={load}>
              {t('common.refresh')}
            </Button>
          </Space>
        }
      >
        {report && (
          <Typography.Paragraph type="secondary">
            {t('regional.explain', { from: report.from, to: report.to, threshold: (report.threshold_bp / 100).toFixed(0), trailing })}
          </Typography.Paragraph>
        )}
        <Table<Row>
          rowKey={(r) => `${r.region}|${r.store_id ?? ''}`}
          size="small"
          loading={!report}
          dataSource={report?.rows ?? []}
          pagination={false}
          data-testid="regional-table"
          onRow={(r) => (r.dropped ? { style: { background: '#fff1f0' }, 'data-dropped': 'true' } as object : {})}
          columns={[
            { title: t(`regional.${level}`), dataIndex: 'region', render: (v: string, r) => (r.dropped ? <Space><Tag color="red">{t('regional.drop')}</Tag>{v}</Space> : v) },
            { title: t('regional.sales'), dataIndex: 'sales_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('regional.orders'), dataIndex: 'orders', align: 'right' },
            { title: t('regional.lastYear'), dataIndex: 'last_year_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('regional.vsLastYear'), dataIndex: 'vs_last_year_bp', align: 'right', render: change },
            { title: t('regional.trailingMean'), dataIndex: 'trailing_mean_fen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('regional.vsTrailing'), dataIndex: 'vs_trailing_bp', align: 'right', render: change },
          ]}
        />
      </Card>
      <Card title={t('regional.forecast')} extra={forecast && <Typography.Text type="secondary">{t('regional.method')}</Typography.Text>}>
        <Table
          rowKey={(s) => `${s.region}|${s.category}`}
          size="small"
          loading={!forecast}
          dataSource={forecast?.series ?? []}
          pagination={false}
          columns={[
            { title: t(`regional.${level}`), dataIndex: 'region' },
            { title: t('regional.category'), dataIndex: 'category' },
            { title: t('regional.lastMonth'), render: (_, s) => formatFen(s.history.at(-1)?.sales_fen ?? 0), align: 'right' as const },
            ...forecastMonths.map((month, i) => ({ title: month, align: 'right' as const, render: (_: unknown, s: Forecast['series'][number]) => formatFen(s.forecast[i]?.sales_fen ?? 0) })),
          ]}
        />
      </Card>
    </Space>
  );
}
