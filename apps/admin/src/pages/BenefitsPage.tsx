import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { benefitTypes, type Benefit, type BenefitType, type BenefitUsageReportRow } from '@hearth/contracts/benefits';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { BenefitDrawer } from './BenefitDrawer.tsx';
import { loadBenefitCatalogue } from './BenefitPicker.tsx';
import { benefitErrorText, benefitTypeColor, describeBenefit, describeLimit } from './benefit-text.ts';

/** The benefits catalogue (权益目录): what each benefit gives, its usage limit, and this year's uses and value. */
export function BenefitsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [benefits, setBenefits] = useState<Benefit[] | null>(null);
  const [usage, setUsage] = useState<Map<string, { uses: number; value_fen: number }>>(new Map());
  const [type, setType] = useState<BenefitType | undefined>();
  const [editing, setEditing] = useState<Benefit | 'new' | null>(null);
  const writable = can('benefits:manage');

  const load = useCallback(
    () =>
      Promise.all([api<{ data: Benefit[] }>('/benefits'), api<{ data: BenefitUsageReportRow[] }>(`/benefits/reports/usage?from=${encodeURIComponent(dayjs().startOf('year').toISOString())}`)]).then(
        ([list, report]) => {
          setBenefits(list.data);
          const byBenefit = new Map<string, { uses: number; value_fen: number }>();
          for (const row of report.data) {
            const sum = byBenefit.get(row.benefit_id) ?? { uses: 0, value_fen: 0 };
            byBenefit.set(row.benefit_id, { uses: sum.uses + row.uses, value_fen: sum.value_fen + row.value_fen });
          }
          setUsage(byBenefit);
          void loadBenefitCatalogue(true).catch(() => undefined);
        },
        (e: Error) => message.error(e.message),
      ),
    [message],
  );
  useEffect(() => void load(), [load]);

  const save = async (b: Benefit, status: 'active' | 'paused') => {
    try {
      const { id: _id, type: _type, created_at: _c, updated_at: _u, ...input } = b;
      await api(`/benefits/${b.id}`, { method: 'PUT', body: { ...input, status }, idempotent: true });
      message.success(t(status === 'paused' ? 'benefits.paused' : 'benefits.resumed'));
      await load();
    } catch (error) {
      message.error(benefitErrorText(t, error));
    }
  };
  const remove = async (b: Benefit) => {
    try {
      await api(`/benefits/${b.id}`, { method: 'DELETE', idempotent: true });
      message.success(t('benefits.deleted'));
      await load();
    } catch (error) {
      message.error(benefitErrorText(t, error));
    }
  };
  const english = i18n.language.startsWith('en');
  const shown = (benefits ?? []).filter((b) => !type || b.type === type);

  return (
    <Card
      title={t('benefits.title')}
      data-testid="benefits"
      extra={
        <Space>
          <Select allowClear placeholder={t('benefits.type')} style={{ width: 160 }} value={type} onChange={setType} options={benefitTypes.map((k) => ({ value: k, label: t(`benefits.types.${k}`) }))} />
          {writable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="benefit-create">
              {t('benefits.create')}
            </Button>
          )}
        </Space>
      }
    >
      <Table<Benefit>
        rowKey="id"
        loading={!benefits}
        dataSource={shown}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('benefits.empty')} /> }}
        columns={[
          {
            title: t('benefits.name'),
            key: 'name',
            render: (_, b) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{english && b.name_en ? b.name_en : b.name}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{b.code}</Typography.Text>
              </Space>
            ),
          },
          { title: t('benefits.type'), dataIndex: 'type', width: 120, render: (v: BenefitType) => <Tag color={benefitTypeColor[v]}>{t(`benefits.types.${v}`)}</Tag> },
          { title: t('benefits.config'), key: 'config', render: (_, b) => describeBenefit(t, b) },
          { title: t('benefits.limit'), key: 'limit', width: 120, render: (_, b) => describeLimit(t, b) },
          { title: t('benefits.value'), dataIndex: 'value_fen', width: 100, render: (v: number | null) => (v ? formatFen(v) : '—') },
          {
            title: t('benefits.usage'),
            key: 'usage',
            width: 150,
            render: (_, b) => {
              const u = usage.get(b.id);
              return u ? t('benefits.usageValue', { uses: u.uses.toLocaleString(), value: formatFen(u.value_fen) }) : '—';
            },
          },
          { title: t('benefits.status'), dataIndex: 'status', width: 90, render: (v: Benefit['status']) => <Tag color={v === 'active' ? 'green' : 'default'}>{t(`benefits.statuses.${v}`)}</Tag> },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 200,
                  fixed: 'right' as const,
                  render: (_: unknown, b: Benefit) => (
                    <Space size={4}>
                      <Button size="small" type="link" onClick={() => setEditing(b)}>{t('common.edit')}</Button>
                      <Button size="small" type="link" onClick={() => save(b, b.status === 'active' ? 'paused' : 'active')}>{t(b.status === 'active' ? 'benefits.pause' : 'benefits.resume')}</Button>
                      <Popconfirm title={t('benefits.deleteConfirm', { name: b.name })} onConfirm={() => remove(b)}>
                        <Button size="small" type="link" danger>{t('common.delete')}</Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <BenefitDrawer
        benefit={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void load();
        }}
      />
    </Card>
  );
}
