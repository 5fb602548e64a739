import { useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Space, Switch, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { guideSettingsSchema, leaderboardSchema } from '@hearth/contracts/guides';
import { api, ApiError, query } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { useGuideDirectory } from './guides-shared.tsx';

type Board = z.infer<typeof leaderboardSchema>;
type Settings = z.infer<typeof guideSettingsSchema>;

/** 导购排行: per guide over a period of the brand's days, with the conversion settings. */
export function GuideLeaderboardPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const directory = useGuideDirectory();
  // The first read takes the server's default period (this month so far in the brand's zone, not the browser's).
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    setBoard(null);
    void api<Board>(`/guides/leaderboard${range ? query({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') }) : ''}`).then((b) => {
      setBoard(b);
      if (!range) setRange([dayjs(b.from), dayjs(b.to)]);
    }, (e: Error) => message.error(e.message));
  }, [range, message]);
  useEffect(() => void api<Settings>('/guides/settings').then(setSettings, () => setSettings(null)), []);

  return (
    <Card
      title={t('guides.board.title')}
      data-testid="guide-leaderboard"
      extra={
        <Space>
          <DatePicker.RangePicker value={range ?? undefined} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
          {can('guides:manage') && settings && <Button onClick={() => setEditing(true)}>{t('guides.board.settings')}</Button>}
        </Space>
      }
    >
      {board && <Typography.Paragraph type="secondary">{t('guides.board.zone', { zone: board.time_zone })}{settings && ` · ${t('guides.board.windowHint', { days: settings.conversion_window_days })}`}</Typography.Paragraph>}
      <Table
        rowKey="guide_id"
        loading={!board}
        dataSource={board?.rows ?? []}
        pagination={false}
        columns={[
          { title: '#', render: (_, __, i) => i + 1, width: 48 },
          { title: t('guides.board.guide'), dataIndex: 'name' },
          { title: t('guides.board.store'), dataIndex: 'store_id', render: (id: string) => directory.storeName(id) },
          { title: t('guides.board.tasksDone'), dataIndex: 'tasks_done' },
          { title: t('guides.board.conversions'), dataIndex: 'conversions' },
          { title: t('guides.board.revenue'), dataIndex: 'revenue_fen', render: formatFen },
          { title: t('guides.board.newMembers'), dataIndex: 'new_members' },
        ]}
      />
      {settings && <SettingsModal open={editing} settings={settings} onClose={() => setEditing(false)} onSaved={(s) => { setSettings(s); setEditing(false); }} />}
    </Card>
  );
}

function SettingsModal({ open, settings, onClose, onSaved }: { open: boolean; settings: Settings; onClose: () => void; onSaved: (s: Settings) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Settings>();
  const submit = async (values: Settings) => {
    try {
      onSaved(await api<Settings>('/guides/settings', { method: 'PUT', body: values }));
      message.success(t('guides.board.saved'));
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, e]) => ({ name: name as keyof Settings, errors: [e] })));
      message.error((error as Error).message);
    }
  };
  return (
    <Modal open={open} title={t('guides.board.settings')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={settings} onFinish={submit}>
        <Form.Item name="conversion_window_days" label={t('guides.board.windowDays')} rules={[{ required: true }]}>
          <InputNumber min={1} max={90} />
        </Form.Item>
        <Form.Item name="welcome_enabled" label={t('guides.board.welcome')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="welcome_title" label={t('guides.board.welcomeTitle')} rules={[{ required: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="welcome_due_days" label={t('guides.board.welcomeDue')} rules={[{ required: true }]}>
          <InputNumber min={0} max={365} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
