import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Drawer, Empty, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Plan } from '@hearth/contracts/membership';
import { api, ApiError } from '../api.ts';
import { formatFen, yuanToFen } from '../format.ts';
import { useSession } from '../session.tsx';
import { BenefitPicker, loadBenefitCatalogue } from './BenefitPicker.tsx';
import type { Benefit } from '@hearth/contracts/benefits';

/** Paid plans (付费会员方案): price per period, trial, auto-renew and the upgrade path; retired, never deleted. */
export function MembershipPlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [editing, setEditing] = useState<Plan | 'new' | null>(null);
  const [benefits, setBenefits] = useState<Benefit[]>([]);
  useEffect(() => void loadBenefitCatalogue().then(setBenefits, () => setBenefits([])), []);
  const load = useCallback(() => void api<{ data: Plan[] }>('/membership/plans').then((r) => setPlans(r.data), (e: Error) => message.error(e.message)), [message]);
  useEffect(load, [load]);
  const writable = can('membership:manage');
  const nameOf = (id: string) => plans?.find((p) => p.id === id)?.name ?? id.slice(0, 8);
  const retire = (plan: Plan) =>
    void api(`/membership/plans/${plan.id}`, { method: 'DELETE' }).then(
      () => {
        message.success(t('membership.plans.retired'));
        load();
      },
      (e: Error) => message.error(e.message),
    );

  return (
    <Card
      title={t('membership.plans.title')}
      data-testid="membership-plans"
      extra={
        writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="membership-plan-create">
            {t('membership.plans.create')}
          </Button>
        )
      }
    >
      <Table<Plan>
        rowKey="id"
        loading={!plans}
        dataSource={plans ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('membership.plans.empty')} /> }}
        columns={[
          { title: t('membership.plans.name'), render: (_, p) => <Space orientation="vertical" size={0}><Typography.Text strong>{p.name}</Typography.Text>{p.description && <Typography.Text type="secondary">{p.description}</Typography.Text>}</Space> },
          { title: t('membership.plans.price'), align: 'right', render: (_, p) => t('membership.plans.perPeriod', { price: formatFen(p.price_fen), period: t(`membership.periods.${p.period}`) }) },
          { title: t('membership.plans.trialDays'), dataIndex: 'trial_days', render: (d: number) => (d ? t('membership.plans.trial', { days: d }) : t('membership.plans.none')) },
          { title: t('membership.plans.autoRenew'), dataIndex: 'auto_renew_allowed', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
          { title: t('membership.plans.upgradeTo'), dataIndex: 'upgrade_to', render: (ids: string[]) => (ids.length ? ids.map((id) => <Tag key={id}>{nameOf(id)}</Tag>) : '—') },
          { title: t('membership.plans.benefits'), dataIndex: 'benefit_ids', render: (ids: string[]) => (ids.length ? ids.map((id) => <Tag key={id}>{benefits.find((b) => b.id === id)?.name ?? id.slice(0, 8)}</Tag>) : '—') },
          { title: t('membership.plans.status'), dataIndex: 'status', render: (s: Plan['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`membership.plans.statuses.${s}`)}</Tag> },
          {
            title: t('common.actions'),
            render: (_, p) =>
              writable && (
                <Space>
                  <Button size="small" onClick={() => setEditing(p)}>
                    {t('common.edit')}
                  </Button>
                  {p.status === 'active' && (
                    <Popconfirm title={t('membership.plans.retireConfirm')} onConfirm={() => retire(p)}>
                      <Button size="small" danger>
                        {t('membership.plans.retire')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <PlanDrawer
        plan={editing}
        plans={plans ?? []}
        onClose={(saved) => {
          setEditing(null);
          if (saved) load();
        }}
      />
    </Card>
  );
}

interface PlanForm {
  name: string;
  description?: string;
  price: string;
  period: Plan['period'];
  trial_days: number;
  auto_renew_allowed: boolean;
  upgrade_to: string[];
  benefit_ids: string[];
  status: Plan['status'];
}

/** The plan form: the price is typed in ¥ and sent as integer fen (string arithmetic, no floats). */
function PlanDrawer({ plan, plans, onClose }: { plan: Plan | 'new' | null; plans: Plan[]; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PlanForm>();
  const [saving, setSaving] = useState(false);
  const existing = plan && plan !== 'new' ? plan : null;
  useEffect(() => {
    if (!plan) return;
    form.resetFields();
    if (existing) form.setFieldsValue({ ...existing, description: existing.description ?? undefined, price: (existing.price_fen / 100).toFixed(2) });
    else form.setFieldsValue({ period: 'year', trial_days: 0, auto_renew_allowed: true, upgrade_to: [], benefit_ids: [], status: 'active' });
  }, [plan, existing, form]);
  const save = async (values: PlanForm) => {
    const body = { ...values, price: undefined, price_fen: yuanToFen(values.price), description: values.description || null, benefit_ids: values.benefit_ids ?? [] };
    setSaving(true);
    try {
      if (existing) await api(`/membership/plans/${existing.id}`, { method: 'PUT', body });
      else await api('/membership/plans', { method: 'POST', idempotent: true, body });
      message.success(t('common.saved'));
      onClose(true);
    } catch (error) {
      if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, msg]) => ({ name: (name === 'price_fen' ? 'price' : name) as keyof PlanForm, errors: [msg] })));
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Drawer
      title={existing ? t('membership.plans.edit') : t('membership.plans.create')}
      open={!!plan}
      onClose={() => onClose(false)}
      size="large"
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="membership-plan-save">
          {t('common.save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="name" label={t('membership.plans.name')} rules={[{ required: true, max: 100 }]}>
          <Input data-testid="membership-plan-name" />
        </Form.Item>
        <Form.Item name="description" label={t('membership.plans.description')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item name="price" label={t('membership.plans.price')} extra={t('membership.plans.priceHint')} rules={[{ required: true, validator: async (_, v: string) => (yuanToFen(v ?? '') ? undefined : Promise.reject(new Error(t('membership.plans.priceInvalid')))) }]}>
            <Input prefix="¥" style={{ width: 160 }} data-testid="membership-plan-price" />
          </Form.Item>
          <Form.Item name="period" label={t('membership.plans.period')} rules={[{ required: true }]}>
            <Select style={{ width: 120 }} options={(['month', 'quarter', 'year'] as const).map((p) => ({ value: p, label: t(`membership.periods.${p}`) }))} />
          </Form.Item>
          <Form.Item name="trial_days" label={t('membership.plans.trialDays')}>
            <InputNumber min={0} max={365} />
          </Form.Item>
          <Form.Item name="auto_renew_allowed" label={t('membership.plans.autoRenew')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Form.Item name="upgrade_to" label={t('membership.plans.upgradeTo')}>
          <Select mode="multiple" options={plans.filter((p) => p.id !== existing?.id).map((p) => ({ value: p.id, label: p.name }))} />
        </Form.Item>
        <Form.Item name="benefit_ids" label={t('membership.plans.benefits')} extra={t('membership.plans.benefitsHint')}>
          <BenefitPicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="status" label={t('membership.plans.status')}>
          <Select style={{ width: 160 }} options={(['active', 'inactive'] as const).map((s) => ({ value: s, label: t(`membership.plans.statuses.${s}`) }))} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
