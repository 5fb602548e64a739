import { useEffect, useState } from 'react';
import { App, Card, DatePicker, Select, Space, Table, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { GroupStats } from '@hearth/contracts/groups';
import { api, query } from '../api.ts';
import { formatFen } from '../format.ts';
import { usePools } from './group-shared.ts';

type Row = GroupStats['groups'][number];

/** 社群数据: per group for a period, members, joins and leaves, active members, and what the members bought. */
export function GroupStatsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { pools } = usePools();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(29, 'day').startOf('day'), dayjs().endOf('day')]);
  const [poolId, setPoolId] = useState<string>();
  const [stats, setStats] = useState<GroupStats | null>(null);
  useEffect(() => {
    setStats(null);
    void api<GroupStats>(`/groups/stats${query({ from: range[0].startOf('day').toISOString(), to: range[1].add(1, 'day').startOf('day').toISOString(), pool_id: poolId })}`).then(setStats, (e: Error) => message.error(e.message));
  }, [range, poolId, message]);
  const withHint = (title: string, hint: string) => <Space size={4}>{title}<Tooltip title={hint}><QuestionCircleOutlined /></Tooltip></Space>;

  return (
    <Card
      title={t('groups.stats.title')}
      data-testid="group-stats"
      extra={
        <Space>
          <Select allowClear placeholder={t('groups.pool')} style={{ width: 180 }} options={pools.map((p) => ({ value: p.id, label: p.name }))} value={poolId} onChange={setPoolId} />
          <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
        </Space>
      }
    >
      <Table<Row>
        rowKey="group_id"
        loading={!stats}
        dataSource={stats?.groups ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('groups.name'), dataIndex: 'name' },
          { title: t('groups.stats.members'), dataIndex: 'members', align: 'right' },
          { title: t('groups.stats.joins'), dataIndex: 'joins', align: 'right' },
          { title: t('groups.stats.leaves'), dataIndex: 'leaves', align: 'right' },
          { title: withHint(t('groups.stats.active'), t('groups.stats.activeHint')), dataIndex: 'active_members', align: 'right' },
          { title: t('groups.stats.buyers'), dataIndex: 'buyers', align: 'right' },
          { title: t('groups.stats.orders'), dataIndex: 'orders', align: 'right' },
          { title: t('groups.stats.revenue'), dataIndex: 'revenue_fen', align: 'right', render: (fen: number) => formatFen(fen) },
        ]}
        summary={() =>
          stats && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}><Tooltip title={t('groups.stats.totalHint')}><Typography.Text strong>{t('groups.stats.total')}</Typography.Text></Tooltip></Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">{stats.totals.members}</Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">{stats.totals.joins}</Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">{stats.totals.leaves}</Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">{stats.totals.active_members}</Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">{stats.totals.buyers}</Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">{stats.totals.orders}</Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">{formatFen(stats.totals.revenue_fen)}</Table.Summary.Cell>
            </Table.Summary.Row>
          )
        }
      />
    </Card>
  );
}
