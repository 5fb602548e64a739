import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Empty, Form, Input, InputNumber, Radio, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { rewardInputSchema, type PointsSettings, type Reward } from '@hearth/contracts/points';
import { api, ApiError } from '../api.ts';
import { formatFen, formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { FormDrawer } from '../layout/FormDrawer.tsx';

type RewardForm = { name?: string; description?: string | null; points_price?: number; stock?: number | null; status: Reward['status'] };

/** The rewards members can spend points on; each shows what its price is worth at today's point value. */
export function RewardsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [rewards, setRewards] = useState<Reward[] | null>(null);
  const [fenPer100, setFenPer100] = useState<number>();
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  const writable = can('points:manage');

  const load = useCallback(() => api<{ data: Reward[] }>('/points/rewards').then((r) => setRewards(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(() => {
    void load();
    void api<PointsSettings>('/points/settings').then((s) => setFenPer100(s.fen_per_100_points), () => undefined);
  }, [load]);
  const worth = (points: number) => (fenPer100 === undefined ? '' : formatFen(Math.floor((points * fenPer100) / 100)));

  return (
    <Card
      title={t('rewards.title')}
      data-testid="rewards"
      extra={
        writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rewards-create">
            {t('rewards.create')}
          </Button>
        )
      }
    >
      <Table<Reward>
        rowKey="id"
        loading={!rewards}
        dataSource={rewards ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rewards.empty')} /> }}
        columns={[
          {
            title: t('rewards.name'),
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{r.name}</Typography.Text>
                {r.description && <Typography.Text type="secondary" ellipsis style={{ maxWidth: 420 }}>{r.description}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('rewards.pointsPrice'), dataIndex: 'points_price', align: 'right', render: (p: number) => <Space>{p}<Typography.Text type="secondary">{worth(p) && `≈ ${worth(p)}`}</Typography.Text></Space> },
          { title: t('rewards.stock'), dataIndex: 'stock', align: 'right', render: (s: number | null) => (s === null ? t('rewards.unlimited') : s === 0 ? <Tag color="red">{t('rewards.soldOut')}</Tag> : s) },
          { title: t('common.status'), dataIndex: 'status', render: (s: Reward['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`rewards.status.${s}`)}</Tag> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
          ...(writable
            ? [{ title: t('common.actions'), width: 90, render: (_: unknown, r: Reward) => <Button type="link" size="small" onClick={() => setEditing(r)}>{t('common.edit')}</Button> }]
            : []),
        ]}
      />
      <RewardDrawer
        reward={editing}
        worth={worth}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void load();
        }}
      />
    </Card>
  );
}

function RewardDrawer({ reward, worth, onClose, onSaved }: { reward: Reward | 'new' | null; worth: (points: number) => string; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RewardForm>();
  const [saving, setSaving] = useState(false);
  const price = Form.useWatch('points_price', form);
  const isNew = reward === 'new';

  useEffect(() => {
    if (!reward) return;
    form.resetFields();
    form.setFieldsValue(reward === 'new' ? { status: 'active', stock: null } : reward);
  }, [reward, form]);

  const showErrors = (errors: { field: string; message: string }[]) => form.setFields(errors.map((e) => ({ name: e.field as keyof RewardForm, errors: [e.message] })));

  const submit = async () => {
    form.setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name as never, errors: [] })));
    const values = form.getFieldsValue(true) as RewardForm;
    const parsed = rewardInputSchema.safeParse({ ...values, description: values.description?.trim() || null, stock: values.stock ?? null });
    if (!parsed.success) return showErrors(parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.code === 'invalid_type' ? t('points.required') : i.message })));
    setSaving(true);
    try {
      if (isNew) await api('/points/rewards', { method: 'POST', body: parsed.data, idempotent: true });
      else await api(`/points/rewards/${(reward as Reward).id}`, { method: 'PUT', body: parsed.data });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) showErrors(error.problem.errors);
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer title={isNew ? t('rewards.create') : t('rewards.edit')} open={reward !== null} onClose={onClose} onSave={submit} saving={saving} saveTestId="reward-save" size={480}>
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item name="name" label={t('rewards.name')} required>
          <Input maxLength={100} data-testid="reward-name" />
        </Form.Item>
        <Form.Item name="description" label={t('rewards.description')}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
        <Form.Item name="points_price" label={t('rewards.pointsPrice')} required extra={price && worth(price) ? `≈ ${worth(price)}` : undefined}>
          <InputNumber min={1} max={100_000_000} precision={0} style={{ width: '100%' }} data-testid="reward-price" />
        </Form.Item>
        <Form.Item name="stock" label={t('rewards.stock')} extra={t('rewards.stockHint')}>
          <InputNumber min={0} precision={0} style={{ width: '100%' }} placeholder={t('rewards.unlimited')} />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Radio.Group optionType="button" options={(['active', 'inactive'] as const).map((s) => ({ value: s, label: t(`rewards.status.${s}`) }))} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
