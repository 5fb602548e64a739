import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Card, Form, Input, Button, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { memberStatuses, type Member } from '@hearth/contracts/members';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useCursorList } from '../use-cursor-list.ts';

interface Filters {
  phone?: string;
  member_no?: string;
  name_prefix?: string;
  status?: string;
  tag_id?: string;
  custom?: string;
}

const statusColor = { active: 'green', frozen: 'orange', erased: 'default', merged: 'blue' } as const;

export function MembersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({});
  const [tagOptions, setTagOptions] = useState<{ value: string; label: string }[]>([]);
  const list = useCursorList<Member>('/members', { ...filters });

  useEffect(() => {
    void api<{ data: { name: string; tags: { id: string; name: string }[] }[] }>('/tag-groups').then((r) =>
      setTagOptions(r.data.flatMap((g) => g.tags.map((tag) => ({ value: tag.id, label: `${g.name} · ${tag.name}` })))),
    );
  }, []);

  const search = (values: Filters) => setFilters(Object.fromEntries(Object.entries(values).filter(([, v]) => v)) as Filters);

  return (
    <Card title={t('members.title')}>
      <Form layout="inline" onFinish={search} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="phone">
          <Input allowClear placeholder={t('members.phone')} style={{ width: 160 }} data-testid="members-phone" />
        </Form.Item>
        <Form.Item name="member_no">
          <Input allowClear placeholder={t('members.memberNo')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="name_prefix">
          <Input allowClear placeholder={t('members.namePrefix')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="status">
          <Select allowClear placeholder={t('common.status')} style={{ width: 110 }} options={memberStatuses.map((s) => ({ value: s, label: t(`members.status.${s}`) }))} />
        </Form.Item>
        <Form.Item name="tag_id">
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('members.tagFilter')} style={{ width: 200 }} options={tagOptions} />
        </Form.Item>
        <Form.Item name="custom">
          <Input allowClear placeholder={t('members.customFilter')} style={{ width: 190 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="members-search">
          {t('members.search')}
        </Button>
      </Form>
      <Table<Member>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        onRow={(member) => ({ onClick: () => navigate(`/members/${member.id}`), style: { cursor: 'pointer' } })}
        data-testid="members-table"
        columns={[
          { title: t('members.memberNo'), dataIndex: 'member_no', width: 120 },
          { title: t('members.name'), render: (_, m) => m.name ?? m.nickname ?? '—' },
          { title: t('members.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          { title: t('members.region'), render: (_, m) => [m.province, m.city].filter(Boolean).join(' / ') || '—' },
          { title: t('members.channel'), dataIndex: 'channel', render: (v: string) => t(`members.channels.${v}`) },
          { title: t('members.registeredAt'), dataIndex: 'registered_at', render: formatTime },
          { title: t('common.status'), dataIndex: 'status', render: (v: Member['status']) => <Tag color={statusColor[v]}>{t(`members.status.${v}`)}</Tag> },
        ]}
      />
      {list.hasMore && (
        <Space style={{ width: '100%', justifyContent: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore}>{t('common.loadMore')}</Button>
        </Space>
      )}
    </Card>
  );
}
