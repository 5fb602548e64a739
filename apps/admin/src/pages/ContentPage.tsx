import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Drawer, Empty, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { contentKinds, contentStatuses, type Content, type contentDailySchema } from '@hearth/contracts/content';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { ContentEditor } from './ContentEditor.tsx';

dayjs.extend(utc);
dayjs.extend(timezone);

type Daily = z.infer<typeof contentDailySchema>;
const statusColor: Record<Content['status'], string> = { draft: 'default', published: 'green', archived: 'red' };

/** Shows an instant in the brand's zone: a schedule is set and read in it, whatever the operator's browser says. */
export const inZone = (iso: string | null, zone: string) => (iso ? dayjs(iso).tz(zone).format('YYYY-MM-DD HH:mm') : '—');

/** 内容库: articles, tutorials, product stories and videos, their schedule, audience and reading stats. */
export function ContentPage() {
  const { t } = useTranslation();
  const { can, session } = useSession();
  const zone = session?.tenant.time_zone ?? 'Asia/Shanghai';
  const [filters, setFilters] = useState<{ status?: string; kind?: string; q?: string }>({});
  const list = useCursorList<Content>('/content', filters);
  const [editing, setEditing] = useState<Content | 'new' | null>(null);
  const [stats, setStats] = useState<Content | null>(null);
  return (
    <Card
      title={t('content.title')}
      data-testid="content-page"
      extra={can('content:manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="content-create">{t('content.create')}</Button>}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('content.search')} onSearch={(q) => setFilters((f) => ({ ...f, q: q || undefined }))} style={{ width: 220 }} />
        <Select allowClear placeholder={t('content.kind')} style={{ width: 140 }} options={contentKinds.map((k) => ({ value: k, label: t(`content.kinds.${k}`) }))} onChange={(kind?: string) => setFilters((f) => ({ ...f, kind }))} />
        <Select allowClear placeholder={t('common.status')} style={{ width: 140 }} options={contentStatuses.map((s) => ({ value: s, label: t(`content.status.${s}`) }))} onChange={(status?: string) => setFilters((f) => ({ ...f, status }))} />
      </Space>
      <Table<Content>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('content.empty')} /> }}
        columns={[
          { title: t('content.fields.title'), render: (_, c) => <Space orientation="vertical" size={0}><a onClick={() => setEditing(c)}>{c.title}</a><Space size={4}>{c.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}</Space></Space> },
          { title: t('content.kind'), render: (_, c) => t(`content.kinds.${c.kind}`) },
          { title: t('common.status'), render: (_, c) => <Tag color={statusColor[c.status]}>{t(`content.status.${c.status}`)}</Tag> },
          { title: `${t('content.fields.schedule')} (${zone})`, render: (_, c) => (c.publish_at || c.unpublish_at ? `${inZone(c.publish_at, zone)} ~ ${inZone(c.unpublish_at, zone)}` : '—') },
          { title: t('content.fields.audience'), render: (_, c) => (c.audience_segment_id ? <Tag color="purple">{t('content.fields.audience')}</Tag> : t('content.everyone')) },
          { title: t('content.stats.views'), render: (_, c) => <a onClick={() => setStats(c)} data-testid="content-stats-link">{c.stats.views} / {c.stats.unique_viewers}</a> },
          { title: t('content.stats.shares'), render: (_, c) => c.stats.shares },
        ]}
      />
      {list.hasMore && <Button style={{ marginTop: 12 }} onClick={() => void list.loadMore()}>{t('common.loadMore')}</Button>}
      {editing && <ContentEditor item={editing === 'new' ? null : editing} zone={zone} onClose={() => setEditing(null)} onSaved={() => void list.reload()} />}
      {stats && <StatsDrawer item={stats} onClose={() => setStats(null)} />}
    </Card>
  );
}

function StatsDrawer({ item, onClose }: { item: Content; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [daily, setDaily] = useState<Daily | null>(null);
  const load = useCallback(() => void api<Daily>(`/content/${item.id}/stats?days=30`).then(setDaily, (e: Error) => message.error(e.message)), [item.id, message]);
  useEffect(load, [load]);
  const max = Math.max(1, ...(daily?.days ?? []).map((d) => d.views));
  const s = daily?.item ?? item.stats;
  return (
    <Drawer open width={720} title={`${t('content.stats.title')} · ${item.title}`} onClose={onClose}>
      <Row gutter={16} style={{ marginBottom: 16 }} data-testid="content-stats">
        <Col span={6}><Statistic title={t('content.stats.views')} value={s.views} /></Col>
        <Col span={6}><Statistic title={t('content.stats.uniqueViewers')} value={s.unique_viewers} /></Col>
        <Col span={6}><Statistic title={t('content.stats.shares')} value={s.shares} /></Col>
        <Col span={6}><Statistic title={t('content.stats.sharers')} value={s.sharers} /></Col>
      </Row>
      <Typography.Paragraph type="secondary">{t('content.stats.viewsHint')}</Typography.Paragraph>
      <Typography.Title level={5}>{t('content.stats.perDay')}</Typography.Title>
      {/* Bars drawn with plain divs: one small series does not warrant loading the chart library. */}
      <div style={{ display: 'flex', alignItems: 'flex-end', gap: 3, height: 160 }}>
        {(daily?.days ?? []).map((d) => (
          <div key={d.day} title={`${d.day}: ${d.views} / ${d.shares}`} style={{ flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'flex-end', height: '100%' }}>
            <Typography.Text style={{ fontSize: 10 }}>{d.views || ''}</Typography.Text>
            <div style={{ width: '100%', height: `${(d.views / max) * 120}px`, background: '#1677ff', borderRadius: 2 }} />
          </div>
        ))}
      </div>
    </Drawer>
  );
}
