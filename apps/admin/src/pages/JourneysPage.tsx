import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, Form, Input, Modal, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Journey } from '@hearth/contracts/journeys';
import { api, type Page } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';

interface Ritual {
  key: string;
  name: string;
  name_en: string;
  description: string;
  journey_id: string | null;
  status: Journey['status'] | null;
}

export const statusColor: Record<Journey['status'], string> = { draft: 'default', active: 'green', paused: 'orange', stopped: 'red' };

/** Journeys and the ritual notices a brand switches on. */
export function JourneysPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { can } = useSession();
  const writable = can('journeys:write');
  const [journeys, setJourneys] = useState<Journey[]>([]);
  const [rituals, setRituals] = useState<Ritual[]>([]);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ name: string }>();

  const load = useCallback(async () => {
    const [list, ready] = await Promise.all([api<Page<Journey>>('/journeys?limit=200'), api<{ data: Ritual[] }>('/journeys/rituals')]);
    setJourneys(list.data);
    setRituals(ready.data);
  }, []);
  useEffect(() => void load().catch((e: Error) => message.error(e.message)), [load, message]);

  const toggleRitual = async (ritual: Ritual, on: boolean) => {
    try {
      if (on) await api(`/journeys/rituals/${ritual.key}`, { method: 'POST', idempotent: true });
      else if (ritual.journey_id) await api(`/journeys/${ritual.journey_id}/pause`, { method: 'POST' });
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const create = async () => {
    const { name } = await form.validateFields();
    const nodes = [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'api' } },
      { id: 'end', type: 'exit', position: { x: 0, y: 160 }, config: {} },
    ];
    const journey = await api<Journey>('/journeys', { method: 'POST', idempotent: true, body: { name, graph: { nodes, edges: [{ from: 'trigger', to: 'end', branch: 'next' }], entry: { mode: 'once' } } } });
    setCreating(false);
    navigate(`/journeys/${journey.id}`);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('journeys.rituals')} extra={<Typography.Text type="secondary">{t('journeys.ritualsHint')}</Typography.Text>}>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={rituals}
          columns={[
            { title: t('journeys.name'), render: (_, r) => (i18n.language === 'en' ? r.name_en : r.name) },
            { title: '', dataIndex: 'description', responsive: ['md'] },
            { title: t('common.status'), render: (_, r) => (r.status ? <Tag color={statusColor[r.status]}>{t(`journeys.status.${r.status}`)}</Tag> : '—') },
            {
              title: t('common.actions'),
              render: (_, r) => (
                <Space>
                  <Switch checked={r.status === 'active'} disabled={!writable} onChange={(on) => void toggleRitual(r, on)} data-testid={`ritual-${r.key}`} />
                  {r.journey_id && <Button size="small" onClick={() => navigate(`/journeys/${r.journey_id}`)}>{t('journeys.open')}</Button>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('journeys.title')} extra={writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('journeys.create')}</Button>}>
        <Table
          rowKey="id"
          dataSource={journeys}
          locale={{ emptyText: t('journeys.empty') }}
          onRow={(j) => ({ onClick: () => navigate(`/journeys/${j.id}`), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('journeys.name'), dataIndex: 'name' },
            { title: t('common.status'), render: (_, j) => <Tag color={statusColor[j.status]}>{t(`journeys.status.${j.status}`)}</Tag> },
            { title: t('journeys.version'), render: (_, j) => (j.current_version ? `v${j.current_version.version}` : t('journeys.noVersion')) },
            { title: t('journeys.updated'), render: (_, j) => formatTime(j.updated_at) },
          ]}
        />
      </Card>
      <Modal open={creating} title={t('journeys.create')} onOk={() => void create().catch((e: Error) => message.error(e.message))} onCancel={() => setCreating(false)} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('journeys.name')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
