import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Empty, Form, InputNumber, Row, Select, Space, Statistic, Switch, Table, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import type { CheckinSettings, CheckinStats } from '@hearth/contracts/games';
import { api, ApiError } from '../api.ts';
import { useSession } from '../session.tsx';

const DAYS = 30;

/** 签到: daily points and streak rewards, and how many members check in. */
export function CheckinPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<CheckinSettings>();
  const [stats, setStats] = useState<CheckinStats | null>(null);
  const [templates, setTemplates] = useState<CouponTemplate[]>([]);
  const load = useCallback(() => {
    void api<CheckinSettings>('/checkin/settings').then((s) => form.setFieldsValue(s), (e: Error) => message.error(e.message));
    void api<CheckinStats>(`/checkin/stats?days=${DAYS}`).then(setStats, (e: Error) => message.error(e.message));
  }, [form, message]);
  useEffect(load, [load]);
  useEffect(() => void api<{ data: CouponTemplate[] }>('/coupon-templates').then((r) => setTemplates(r.data), () => setTemplates([])), []);

  const save = async () => {
    const v = await form.validateFields();
    const rewards = (v.streak_rewards ?? []).map((r) => ({ day: r.day, ...(r.points ? { points: r.points } : {}), ...(r.coupon_template_id ? { coupon_template_id: r.coupon_template_id } : {}) }));
    try {
      form.setFieldsValue(await api<CheckinSettings>('/checkin/settings', { method: 'PUT', body: { ...v, streak_rewards: rewards } }));
      message.success(t('common.saved'));
    } catch (error) {
      message.error(error instanceof ApiError ? Object.values(error.fieldErrors)[0] ?? error.message : (error as Error).message);
    }
  };
  const max = Math.max(1, ...(stats?.days ?? []).map((d) => d.members));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="checkin-page">
      <Card title={t('games.checkin.settings')} extra={can('games:manage') && <Button type="primary" onClick={() => void save()} data-testid="checkin-save">{t('common.save')}</Button>}>
        <Form form={form} layout="vertical" disabled={!can('games:manage')}>
          <Space size={32} wrap>
            <Form.Item name="enabled" label={t('games.checkin.enabled')} valuePropName="checked"><Switch /></Form.Item>
            <Form.Item name="daily_points" label={t('games.checkin.dailyPoints')} rules={[{ required: true }]}><InputNumber min={0} max={10_000} precision={0} /></Form.Item>
          </Space>
          <Typography.Title level={5}>{t('games.checkin.streakRewards')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('games.checkin.rewardHint')}</Typography.Paragraph>
          <Form.List name="streak_rewards">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="start" data-testid="streak-reward">
                    <Form.Item name={[field.name, 'day']} rules={[{ required: true }]}><InputNumber min={1} max={366} precision={0} addonBefore={t('games.checkin.day')} /></Form.Item>
                    <Form.Item name={[field.name, 'points']}><InputNumber min={1} precision={0} placeholder={t('games.checkin.points')} /></Form.Item>
                    <Form.Item name={[field.name, 'coupon_template_id']}><Select allowClear style={{ width: 200 }} placeholder={t('games.checkin.coupon')} options={templates.map((c) => ({ value: c.id, label: c.name }))} /></Form.Item>
                    <MinusCircleOutlined style={{ marginTop: 8 }} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ day: 7, points: 50 })}>{t('games.checkin.addReward')}</Button>
              </>
            )}
          </Form.List>
        </Form>
      </Card>
      <Card title={`${t('games.checkin.stats')} · ${t('games.checkin.range', { days: DAYS })}`}>
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col span={8}><Statistic title={t('games.checkin.members')} value={stats?.members_total ?? 0} /></Col>
          <Col span={8}><Statistic title={t('games.checkin.rewardsGiven')} value={stats?.rewards_given ?? 0} /></Col>
        </Row>
        <Row gutter={24}>
          <Col xs={24} lg={14}>
            <Typography.Title level={5}>{t('games.checkin.perDay')}</Typography.Title>
            {stats?.days.length ? (
              // Bars drawn with plain divs: one small series does not warrant loading the chart library.
              <div style={{ display: 'flex', alignItems: 'flex-end', gap: 4, height: 160 }} data-testid="checkin-days">
                {stats.days.map((d) => (
                  <div key={d.day} title={`${d.day}: ${d.members}`} style={{ flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'flex-end', height: '100%' }}>
                    <Typography.Text style={{ fontSize: 11 }}>{d.members}</Typography.Text>
                    <div style={{ width: '100%', height: `${(d.members / max) * 120}px`, background: '#fa8c16', borderRadius: 2 }} />
                    <Typography.Text type="secondary" style={{ fontSize: 10 }}>{d.day.slice(5)}</Typography.Text>
                  </div>
                ))}
              </div>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('games.checkin.empty')} />
            )}
          </Col>
          <Col xs={24} lg={10}>
            <Typography.Title level={5}>{t('games.checkin.currentStreaks')}</Typography.Title>
            <Table size="small" rowKey="streak" pagination={false} dataSource={stats?.streaks ?? []}
              columns={[{ title: t('games.checkin.streak'), dataIndex: 'streak' }, { title: t('games.checkin.count'), dataIndex: 'members', align: 'right' }]} />
          </Col>
        </Row>
      </Card>
    </Space>
  );
}
