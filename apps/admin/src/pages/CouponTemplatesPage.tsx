import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, Empty, InputNumber, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CouponReportRow, CouponTemplate } from '@hearth/contracts/coupons';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { CouponTemplateDrawer } from './CouponTemplateDrawer.tsx';
import { couponErrorText, describeValidity, describeValue, kindColor } from './coupon-text.ts';

/** Coupon templates with their stock and what the report counts: issued, redeemed, discount and revenue influenced. */
export function CouponTemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const navigate = useNavigate();
  const [templates, setTemplates] = useState<CouponTemplate[] | null>(null);
  const [report, setReport] = useState<Map<string, CouponReportRow>>(new Map());
  const [editing, setEditing] = useState<CouponTemplate | 'new' | null>(null);
  const [stocking, setStocking] = useState<CouponTemplate | null>(null);
  const [addStock, setAddStock] = useState<number | null>(null);
  const writable = can('coupons:manage');

  const load = useCallback(
    () =>
      Promise.all([api<{ data: CouponTemplate[] }>('/coupon-templates'), api<{ data: CouponReportRow[] }>('/coupons/reports/templates')]).then(
        ([list, rows]) => {
          setTemplates(list.data);
          setReport(new Map(rows.data.map((r) => [r.template_id, r])));
        },
        (e: Error) => message.error(e.message),
      ),
    [message],
  );
  useEffect(() => void load(), [load]);

  const act = async (path: string, body: unknown, done: string) => {
    try {
      await api(path, { method: 'POST', body });
      message.success(done);
      await load();
      return true;
    } catch (error) {
      message.error(couponErrorText(t, error));
      return false;
    }
  };

  return (
    <Card
      title={t('coupons.templates')}
      data-testid="coupon-templates"
      extra={
        writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="coupon-template-create">
            {t('coupons.create')}
          </Button>
        )
      }
    >
      <Table<CouponTemplate>
        rowKey="id"
        loading={!templates}
        dataSource={templates ?? []}
        pagination={false}
        scroll={{ x: 1040 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('coupons.empty')} /> }}
        columns={[
          {
            title: t('coupons.name'),
            width: 190,
            render: (_, r) => (
              <Space orientation="vertical" size={2}>
                <Typography.Text strong>{r.name}</Typography.Text>
                <Tag color={kindColor[r.terms.kind]}>{t(`coupons.kinds.${r.terms.kind}`)}</Tag>
                {r.description && <Typography.Text type="secondary" ellipsis style={{ maxWidth: 170 }}>{r.description}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('coupons.value'),
            width: 260,
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <span>{describeValue(t, r.terms)}</span>
                <Typography.Text type="secondary">
                  {[describeValidity(t, r.terms), r.terms.per_member_limit ? t('coupons.perMemberValue', { n: r.terms.per_member_limit }) : null, r.terms.stackable_with_coupons ? t('coupons.stackYes') : t('coupons.stackNo')].filter(Boolean).join(' · ')}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('coupons.stock'),
            align: 'right',
            width: 110,
            render: (_, r) => (r.stock_total === null ? t('coupons.unlimited') : r.stock_total - r.issued_count <= 0 ? <Tag color="red">{t('coupons.stockLeft', { left: 0, total: r.stock_total })}</Tag> : t('coupons.stockLeft', { left: r.stock_total - r.issued_count, total: r.stock_total })),
          },
          {
            title: `${t('coupons.issued')} / ${t('coupons.redeemed')}`,
            align: 'right',
            width: 110,
            render: (_, r) => {
              const row = report.get(r.id);
              if (!row) return '0 / 0';
              return (
                <Space orientation="vertical" size={0}>
                  {`${row.issued} / ${row.redeemed}`}
                  {row.issued > 0 && <Typography.Text type="secondary">{`${t('coupons.redemptionRate')} ${((row.redeemed / row.issued) * 100).toFixed(1)}%`}</Typography.Text>}
                </Space>
              );
            },
          },
          { title: t('coupons.discount'), align: 'right', width: 100, render: (_, r) => formatFen(report.get(r.id)?.discount_fen ?? 0) },
          { title: <Tooltip title={t('coupons.revenueHint')}>{t('coupons.revenue')}</Tooltip>, align: 'right', width: 110, render: (_, r) => formatFen(report.get(r.id)?.revenue_influenced_fen ?? 0) },
          { title: t('common.status'), dataIndex: 'status', width: 90, render: (s: CouponTemplate['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`coupons.status.${s}`)}</Tag> },
          {
            title: t('common.actions'),
            width: 170,
            render: (_, r) => (
              <Space size={0} wrap>
                {can('coupons:issue') && r.status === 'active' && (
                  <Button type="link" size="small" onClick={() => navigate(`/coupons/issue?template=${r.id}`)}>
                    {t('coupons.issue')}
                  </Button>
                )}
                {writable && (
                  <>
                    <Button type="link" size="small" onClick={() => setEditing(r)}>
                      {t('common.edit')}
                    </Button>
                    {r.status === 'active' ? (
                      <Button type="link" size="small" onClick={() => act(`/coupon-templates/${r.id}/pause`, undefined, t('coupons.paused'))}>
                        {t('coupons.pause')}
                      </Button>
                    ) : (
                      <Button type="link" size="small" onClick={() => act(`/coupon-templates/${r.id}/resume`, undefined, t('coupons.resumed'))}>
                        {t('coupons.resume')}
                      </Button>
                    )}
                    {r.stock_total !== null && (
                      <Button type="link" size="small" onClick={() => setStocking(r)}>
                        {t('coupons.addStock')}
                      </Button>
                    )}
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <CouponTemplateDrawer
        template={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void load();
        }}
      />
      <Modal
        title={`${t('coupons.addStock')} · ${stocking?.name ?? ''}`}
        open={stocking !== null}
        destroyOnHidden
        onCancel={() => setStocking(null)}
        okButtonProps={{ disabled: !addStock }}
        onOk={async () => {
          if (stocking && addStock && (await act(`/coupon-templates/${stocking.id}/stock`, { add: addStock }, t('coupons.stockAdded')))) {
            setStocking(null);
            setAddStock(null);
          }
        }}
      >
        <InputNumber min={1} max={100_000_000} precision={0} value={addStock} onChange={setAddStock} placeholder={t('coupons.addStockCount')} style={{ width: '100%' }} />
      </Modal>
    </Card>
  );
}
