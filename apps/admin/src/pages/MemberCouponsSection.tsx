import { useEffect, useRef, useState } from 'react';
import { App, Button, Card, Empty, InputNumber, Modal, Popover, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { GiftOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { couponStatuses, type Coupon, type CouponTemplate } from '@hearth/contracts/coupons';
import { api } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { couponErrorText, couponStatusColor, describeValue, kindColor } from './coupon-text.ts';

/** The member 360's coupons: every coupon with its status, validity and write-off, the member's QR, and issuing one by hand. */
export function MemberCouponsSection(props: { memberId: string; active: boolean }) {
  const { can } = useSession();
  return can('coupons:read') ? <CouponsCard {...props} /> : null;
}

function CouponsCard({ memberId, active }: { memberId: string; active: boolean }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [status, setStatus] = useState<string>('all');
  const [issuing, setIssuing] = useState(false);
  const list = useCursorList<Coupon>(`/members/${memberId}/coupons`, { status: status === 'all' ? undefined : status });

  return (
    <Card
      title={t('coupons.memberSection')}
      size="small"
      data-testid="member-coupons"
      extra={
        can('coupons:issue') &&
        active && (
          <Button size="small" icon={<GiftOutlined />} onClick={() => setIssuing(true)} data-testid="member-coupons-issue">
            {t('coupons.issueToMember')}
          </Button>
        )
      }
    >
      <Segmented
        size="small"
        value={status}
        onChange={setStatus}
        options={[{ value: 'all', label: t('common.all') }, ...couponStatuses.map((s) => ({ value: s, label: t(`coupons.couponStatus.${s}`) }))]}
        style={{ marginBottom: 8 }}
      />
      <Table<Coupon>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('coupons.noCoupons')} /> }}
        columns={[
          {
            title: t('coupons.code'),
            dataIndex: 'code',
            render: (code: string, c) => (
              <Space size={4}>
                <Typography.Text code copyable={{ text: code }} data-testid="member-coupon-code">
                  {code}
                </Typography.Text>
                <Popover title={t('coupons.qr')} content={<img src={`/api/v1/members/${memberId}/coupons/${c.id}/qr`} alt={code} width={160} height={160} />}>
                  <QrcodeOutlined />
                </Popover>
              </Space>
            ),
          },
          {
            title: t('coupons.template'),
            render: (_, c) => (
              <Space size={4}>
                {c.template_name}
                <Tag color={kindColor[c.kind]}>{t(`coupons.kinds.${c.kind}`)}</Tag>
              </Space>
            ),
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: Coupon['status']) => <Tag color={couponStatusColor[s]}>{t(`coupons.couponStatus.${s}`)}</Tag> },
          { title: t('coupons.validPeriod'), render: (_, c) => `${formatTime(c.starts_at).slice(0, 10)} ~ ${formatTime(c.expires_at)}` },
          {
            title: t('coupons.redeemedAt'),
            render: (_, c) =>
              c.redeemed_at ? (
                <Space orientation="vertical" size={0}>
                  {formatTime(c.redeemed_at)}
                  <Typography.Text type="secondary">{[c.discount_fen !== null ? `-${formatFen(c.discount_fen)}` : null, c.order_external_id].filter(Boolean).join(' · ')}</Typography.Text>
                </Space>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 8 }}>
          <Button size="small" onClick={list.loadMore} loading={list.loading}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <IssueModal
        memberId={memberId}
        open={issuing}
        onClose={() => setIssuing(false)}
        onIssued={() => {
          setIssuing(false);
          void list.reload();
        }}
      />
    </Card>
  );
}

function IssueModal({ memberId, open, onClose, onIssued }: { memberId: string; open: boolean; onClose: () => void; onIssued: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const [templateId, setTemplateId] = useState<string>();
  const [quantity, setQuantity] = useState<number | null>(1);
  const [busy, setBusy] = useState(false);
  // One key per opening of the dialog: a double click issues once.
  const key = useRef('');

  useEffect(() => {
    if (!open) return;
    key.current = crypto.randomUUID();
    void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data.filter((x) => x.status === 'active')), (e: Error) => message.error(e.message));
  }, [open, message]);

  const issue = async () => {
    setBusy(true);
    try {
      const result = await api<{ data: Coupon[] }>('/coupons/issue', { method: 'POST', body: { template_id: templateId, member_id: memberId, quantity: quantity ?? 1, issuance_key: key.current } });
      message.success(t('coupons.issuedToMember', { count: result.data.length }));
      onIssued();
    } catch (error) {
      message.error(couponErrorText(t, error));
    } finally {
      setBusy(false);
    }
  };

  const chosen = templates.find((x) => x.id === templateId);
  return (
    <Modal title={t('coupons.issueToMember')} open={open} onCancel={onClose} onOk={issue} okButtonProps={{ disabled: !templateId, loading: busy, 'data-testid': 'member-coupons-issue-ok' }} destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Select
          showSearch
          optionFilterProp="label"
          placeholder={t('coupons.chooseTemplate')}
          value={templateId}
          onChange={setTemplateId}
          options={templates.map((x) => ({ value: x.id, label: x.name }))}
          style={{ width: '100%' }}
          data-testid="member-coupons-template"
        />
        {chosen && <Typography.Text type="secondary">{describeValue(t, chosen.terms)}</Typography.Text>}
        <Space>
          <Typography.Text>{t('coupons.quantity')}</Typography.Text>
          <InputNumber min={1} max={100} precision={0} value={quantity} onChange={setQuantity} />
        </Space>
      </Space>
    </Modal>
  );
}
