import { useState } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ListedLotteryEntry, Lottery, LotteryVerification, LotteryWin } from '@hearth/contracts/games';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { MemberLink } from './growth-shared.tsx';
import { StatusTag } from './LotteriesPage.tsx';

const winColors: Record<LotteryWin['status'], string> = { pending: 'processing', fulfilled: 'green', failed: 'red', pending_address: 'orange', ready: 'gold', shipped: 'blue', delivered: 'cyan' };

/** One lottery: its settings and commitment, prizes and stock, entries, and winners with their shipping. */
export function LotteryDetail({ lottery, onClose, onChanged }: { lottery: Lottery; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [verification, setVerification] = useState<LotteryVerification | null>(null);
  const act = (path: string, done: string) => void api(path, { method: 'POST' }).then(() => { message.success(done); onChanged(); }, (e: Error) => message.error(e.message));
  const ended = lottery.status !== 'open' || Date.parse(lottery.ends_at) <= Date.now();
  const revealed = lottery.seed !== null;
  const verify = () => void api<LotteryVerification>(`/lotteries/${lottery.id}/verify`).then(setVerification, (e: Error) => message.error(e.message));

  return (
    <Drawer open width={980} title={lottery.name} onClose={onClose} data-testid="lottery-detail"
      extra={
        <Space>
          {can('games:manage') && lottery.status === 'open' && !ended && (
            <Popconfirm title={t('games.lotteries.closeConfirm')} onConfirm={() => act(`/lotteries/${lottery.id}/close`, t('common.saved'))}><Button danger>{t('games.lotteries.close')}</Button></Popconfirm>
          )}
          {can('games:manage') && lottery.mode === 'scheduled' && lottery.status !== 'drawn' && (
            <Popconfirm title={t('games.lotteries.drawConfirm')} onConfirm={() => act(`/lotteries/${lottery.id}/draw`, t('games.lotteries.drawn'))} disabled={!ended}>
              <Button type="primary" disabled={!ended}>{t('games.lotteries.draw')}</Button>
            </Popconfirm>
          )}
          {revealed && <Button onClick={verify} data-testid="lottery-verify">{t('games.lotteries.verify')}</Button>}
        </Space>
      }
    >
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('games.lotteries.mode')}>{t(`games.lotteries.modes.${lottery.mode}`)}</Descriptions.Item>
        <Descriptions.Item label={t('common.status')}><StatusTag lottery={lottery} /></Descriptions.Item>
        <Descriptions.Item label={t('games.lotteries.window')}>{formatTime(lottery.starts_at)} ~ {formatTime(lottery.ends_at)}</Descriptions.Item>
        <Descriptions.Item label={lottery.mode === 'scheduled' ? t('games.lotteries.drawAt') : t('games.lotteries.noPrize')}>{lottery.mode === 'scheduled' ? formatTime(lottery.draw_at) : `${((lottery.no_prize_bp ?? 0) / 100).toFixed(2)}%`}</Descriptions.Item>
        <Descriptions.Item label={t('games.lotteries.cost')}>{lottery.entry_cost_points || t('games.lotteries.free')}</Descriptions.Item>
        <Descriptions.Item label={`${t('games.lotteries.dailyLimit')} / ${t('games.lotteries.totalLimit')} / ${t('games.lotteries.deviceLimit')}`}>
          {[lottery.daily_limit, lottery.total_limit, lottery.device_daily_limit].map((n) => n ?? t('games.lotteries.unlimited')).join(' / ')}
        </Descriptions.Item>
        <Descriptions.Item label={t('games.lotteries.seedHash')} span={2}><Typography.Text code copyable>{lottery.seed_hash}</Typography.Text></Descriptions.Item>
        {revealed && <Descriptions.Item label={t('games.lotteries.seed')} span={2}><Typography.Text code copyable>{lottery.seed}</Typography.Text></Descriptions.Item>}
      </Descriptions>
      <Tabs
        style={{ marginTop: 16 }}
        items={[
          { key: 'prizes', label: t('games.lotteries.tabs.prizes'), children: <PrizesTable lottery={lottery} /> },
          { key: 'entries', label: t('games.lotteries.tabs.entries'), children: <EntriesTable lottery={lottery} /> },
          { key: 'winners', label: t('games.lotteries.tabs.winners'), children: <WinnersTable lottery={lottery} onChanged={onChanged} /> },
        ]}
      />
      <Modal open={!!verification} width={760} title={t('games.lotteries.verify')} footer={null} onCancel={() => setVerification(null)}>
        {verification && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert type="success" showIcon title={t('games.lotteries.verifyOk')} />
            <Typography.Paragraph>{t('games.lotteries.verifyHint')}</Typography.Paragraph>
            <Typography.Paragraph code>{verification.algorithm}</Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: JSON.stringify(verification) }}>seed = <Typography.Text code>{verification.seed}</Typography.Text></Typography.Paragraph>
            <Table size="small" rowKey="seq" dataSource={verification.entries} pagination={{ pageSize: 10 }}
              columns={[
                { title: t('games.lotteries.entry.seq'), dataIndex: 'seq' },
                { title: 'entry_id', dataIndex: 'entry_id', render: (id: string) => <Typography.Text code>{id.slice(0, 13)}…</Typography.Text> },
                { title: t('games.lotteries.prize'), dataIndex: 'prize_id', render: (id: string | null) => lottery.prizes.find((p) => p.id === id)?.name ?? '—' },
              ]} />
          </Space>
        )}
      </Modal>
    </Drawer>
  );
}

function PrizesTable({ lottery }: { lottery: Lottery }) {
  const { t } = useTranslation();
  return (
    <Table size="small" rowKey="id" dataSource={lottery.prizes} pagination={false} data-testid="lottery-prizes"
      columns={[
        { title: '#', dataIndex: 'position' },
        { title: t('games.lotteries.prize'), dataIndex: 'name' },
        { title: t('games.lotteries.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`games.lotteries.kinds.${k}`)}</Tag> },
        ...(lottery.mode === 'instant' ? [{ title: t('games.lotteries.probability'), dataIndex: 'probability_bp', align: 'right' as const, render: (bp: number) => `${(bp / 100).toFixed(2)}%` }] : []),
        { title: t('games.lotteries.stock'), dataIndex: 'stock', align: 'right', render: (n: number | null) => n ?? t('games.lotteries.unlimited') },
        { title: t('games.lotteries.remaining'), dataIndex: 'remaining', align: 'right', render: (n: number | null) => (n === null ? '—' : <Tag color={n ? 'green' : 'red'}>{n}</Tag>) },
        { title: t('games.lotteries.won'), dataIndex: 'won', align: 'right' },
      ]} />
  );
}

function EntriesTable({ lottery }: { lottery: Lottery }) {
  const { t } = useTranslation();
  const { rows, loading, hasMore, loadMore } = useCursorList<ListedLotteryEntry>(`/lotteries/${lottery.id}/entries`, {});
  return (
    <>
      <Table size="small" rowKey="id" loading={loading} dataSource={rows} pagination={false}
        columns={[
          { title: t('games.lotteries.entry.seq'), dataIndex: 'seq' },
          { title: t('games.lotteries.entry.member'), render: (_, e) => <MemberLink id={e.member_id} no={e.member_no} /> },
          { title: t('games.lotteries.entry.day'), dataIndex: 'business_day' },
          { title: t('games.lotteries.entry.result'), render: (_, e) => <Tag color={e.result === 'won' ? 'green' : 'default'}>{t(`games.lotteries.entry.results.${e.result}`)}{e.prize_id ? ` · ${lottery.prizes.find((p) => p.id === e.prize_id)?.name ?? ''}` : ''}</Tag> },
          { title: t('games.lotteries.cost'), dataIndex: 'cost_points', align: 'right' },
          { title: t('games.lotteries.entry.device'), dataIndex: 'device_id', render: (d: string | null) => d ?? '—' },
          { title: t('games.lotteries.entry.time'), dataIndex: 'created_at', render: formatTime },
        ]} />
      {hasMore && <Button style={{ marginTop: 8 }} onClick={() => void loadMore()}>{t('common.loadMore')}</Button>}
    </>
  );
}

function WinnersTable({ lottery, onChanged }: { lottery: Lottery; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [status, setStatus] = useState<LotteryWin['status'] | undefined>();
  const [shipping, setShipping] = useState<LotteryWin | null>(null);
  const [form] = Form.useForm<{ carrier: string; tracking_no: string }>();
  const { rows, loading, hasMore, loadMore, reload } = useCursorList<LotteryWin>('/lottery-wins', { lottery_id: lottery.id, status });
  const done = () => { message.success(t('common.saved')); reload(); onChanged(); };
  const post = (path: string, body?: object) => api(path, { method: 'POST', body, idempotent: true }).then(done, (e: Error) => message.error(e.message));
  const reveal = (w: LotteryWin) => void api<LotteryWin>(`/lottery-wins/${w.id}?reveal=true`).then((full) => Modal.info({ title: t('games.wins.reveal'), content: `${full.recipient_name ?? ''} ${full.recipient_phone ?? ''} ${full.address ?? ''}` }), (e: Error) => message.error(e.message));
  const ship = async () => {
    const v = await form.validateFields();
    await post(`/lottery-wins/${shipping!.id}/ship`, v);
    setShipping(null);
  };
  return (
    <>
      <Select allowClear style={{ width: 180, marginBottom: 12 }} placeholder={t('games.wins.filter')} value={status} onChange={setStatus}
        options={(['pending_address', 'ready', 'shipped', 'delivered', 'fulfilled', 'failed'] as const).map((s) => ({ value: s, label: t(`games.wins.status.${s}`) }))} />
      <Table size="small" rowKey="id" loading={loading} dataSource={rows} pagination={false} data-testid="lottery-winners"
        columns={[
          { title: t('games.lotteries.entry.member'), render: (_, w) => <MemberLink id={w.member_id} no={w.member_no} /> },
          { title: t('games.lotteries.prize'), dataIndex: 'prize_name' },
          { title: t('common.status'), dataIndex: 'status', render: (s: LotteryWin['status'], w) => <Tag color={winColors[s]} title={w.error ?? undefined}>{t(`games.wins.status.${s}`)}</Tag> },
          { title: t('games.wins.recipient'), render: (_, w) => (w.recipient_name ? `${w.recipient_name} ${w.recipient_phone ?? ''}` : '—') },
          { title: t('games.wins.address'), render: (_, w) => (w.address ? <Space size={4}>{w.address}{can('members:read_pii') && <Button size="small" type="link" onClick={() => reveal(w)}>{t('games.wins.reveal')}</Button>}</Space> : '—') },
          { title: t('games.wins.trackingNo'), render: (_, w) => (w.tracking_no ? `${w.carrier} ${w.tracking_no}` : '—') },
          { title: t('games.lotteries.entry.time'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('common.actions'),
            render: (_, w) => can('games:manage') && (
              <Space>
                {w.status === 'ready' && <Button size="small" type="primary" onClick={() => { form.resetFields(); setShipping(w); }}>{t('games.wins.ship')}</Button>}
                {w.status === 'shipped' && <Button size="small" onClick={() => void post(`/lottery-wins/${w.id}/deliver`)}>{t('games.wins.deliver')}</Button>}
                {w.status === 'failed' && <Button size="small" onClick={() => void post(`/lottery-wins/${w.id}/retry`)}>{t('games.wins.retry')}</Button>}
              </Space>
            ),
          },
        ]} />
      {hasMore && <Button style={{ marginTop: 8 }} onClick={() => void loadMore()}>{t('common.loadMore')}</Button>}
      <Modal open={!!shipping} title={t('games.wins.ship')} onCancel={() => setShipping(null)} onOk={() => void ship()} okText={t('common.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="carrier" label={t('games.wins.carrier')} rules={[{ required: true, whitespace: true }]}><Input maxLength={50} placeholder="顺丰速运" /></Form.Item>
          <Form.Item name="tracking_no" label={t('games.wins.trackingNo')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
