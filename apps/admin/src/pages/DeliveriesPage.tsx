import { useState } from 'react';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { deliveryStatuses, messageChannels, type Delivery, type ListedDelivery } from '@hearth/contracts/messaging';
import { formatTime } from '../format.ts';
import { useCursorList } from '../use-cursor-list.ts';
import { MemberLink } from './growth-shared.tsx';

export const deliveryColors: Record<Delivery['status'], string> = { queued: 'blue', delayed: 'gold', sending: 'processing', sent: 'cyan', delivered: 'green', clicked: 'purple', failed: 'red', bounced: 'volcano', suppressed: 'default' };

/** The delivery log: every message accepted, suppressed or sent, filtered by status, channel and member. */
export function DeliveriesPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string>();
  const [channel, setChannel] = useState<string>();
  const [member, setMember] = useState<string>();
  const memberFilter = member && /^[0-9a-f-]{36}$/i.test(member) ? member : undefined;
  const list = useCursorList<ListedDelivery>('/messaging/deliveries', { status, channel, member_id: memberFilter }, 50);

  return (
    <Card
      data-testid="deliveries-page"
      title={t('messaging.deliveries.title')}
      extra={
        <Space wrap>
          <Select allowClear placeholder={t('messaging.deliveries.status')} style={{ width: 150 }} value={status} onChange={setStatus} options={deliveryStatuses.map((s) => ({ value: s, label: t(`messaging.statusNames.${s}`) }))} data-testid="delivery-status" />
          <Select allowClear placeholder={t('messaging.deliveries.channel')} style={{ width: 180 }} value={channel} onChange={setChannel} options={messageChannels.map((c) => ({ value: c, label: t(`messaging.channelNames.${c}`) }))} />
          <Input.Search allowClear placeholder={t('messaging.deliveries.member')} style={{ width: 320 }} onSearch={(v) => setMember(v.trim() || undefined)} />
          <Button onClick={list.reload}>{t('common.refresh')}</Button>
        </Space>
      }
    >
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        scroll={{ x: 1100 }}
        expandable={{ expandedRowRender: (d) => <Typography.Text type="secondary" copyable>{`${d.id} · ${d.dedupe_key}${d.provider_message_id ? ` · ${d.provider_message_id}` : ''}`}</Typography.Text> }}
        columns={[
          { title: t('common.createdAt'), render: (_, d) => formatTime(d.created_at), width: 170 },
          { title: t('messaging.deliveries.member'), render: (_, d) => <MemberLink id={d.member_id} no={d.member_no} />, width: 130 },
          { title: t('messaging.deliveries.channel'), render: (_, d) => t(`messaging.channelNames.${d.channel}`) },
          { title: t('messaging.templates.category'), render: (_, d) => t(`messaging.categories.${d.category}`) },
          { title: t('messaging.deliveries.status'), render: (_, d) => <Tag color={deliveryColors[d.status]}>{t(`messaging.statusNames.${d.status}`)}</Tag> },
          { title: t('messaging.deliveries.reason'), render: (_, d) => d.reason ?? d.error ?? '—', ellipsis: true },
          { title: t('messaging.deliveries.source'), render: (_, d) => `${d.source.kind}${d.variant ? ` · ${d.variant}` : ''}` },
          { title: t('messaging.deliveries.attempts'), dataIndex: 'attempts', width: 70 },
          { title: t('messaging.deliveries.sendAt'), render: (_, d) => formatTime(d.send_at), width: 170 },
          { title: t('messaging.deliveries.sentAt'), render: (_, d) => formatTime(d.sent_at), width: 170 },
        ]}
      />
      {list.hasMore && (
        <Button block style={{ marginTop: 12 }} onClick={list.loadMore} loading={list.loading}>
          {t('common.loadMore')}
        </Button>
      )}
    </Card>
  );
}
