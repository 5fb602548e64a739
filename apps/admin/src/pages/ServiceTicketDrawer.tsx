import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Descriptions, Divider, Drawer, Empty, Form, Input, InputNumber, List, Modal, Rate, Select, Space, Spin, Tag, Timeline, Typography, type ButtonProps } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { Member } from '@hearth/contracts/members';
import { serviceTypes, ticketTransitions, type ticketDetailSchema, type ticketSchema } from '@hearth/contracts/service';
import type { Store } from '@hearth/contracts/stores';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { MemberFinder, problemText } from './after-sales-shared.tsx';
import { SlaTags, statusColor } from './service-shared.tsx';

type Detail = z.infer<typeof ticketDetailSchema>;
type Ticket = z.infer<typeof ticketSchema>;
const urls = (text: string | undefined) => (text ?? '').split(/\s+/).map((u) => u.trim()).filter(Boolean);

/** One ticket: its facts and SLA, the flow buttons the transition table allows, assignment, conversation, history. */
export function TicketDrawer({ id, stores, operators, onClose, onChanged }: { id: string; stores: Store[]; operators: { id: string; name: string }[]; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const writable = can('service:manage');
  const [ticket, setTicket] = useState<Detail | null>(null);
  const [assignment, setAssignment] = useState<{ store_id: string | null; operator_id: string | null }>({ store_id: null, operator_id: null });
  const [comment] = Form.useForm<{ body: string; attachments?: string }>();
  const load = useCallback(
    () =>
      void api<Detail>(`/service/tickets/${id}`).then((d) => {
        setTicket(d);
        setAssignment({ store_id: d.store_id, operator_id: d.operator_id });
      }, (e: unknown) => message.error(problemText(t, 'service', e))),
    [id, message, t],
  );
  useEffect(load, [load]);
  const after = (text: string) => () => {
    message.success(text);
    load();
    onChanged();
  };
  const fail = (e: unknown) => message.error(problemText(t, 'service', e));

  const move = (to: Ticket['status']) => {
    let note = '';
    modal.confirm({
      title: `${t(`service.action.${to}`)} · ${ticket?.subject ?? ''}`,
      content: <Input.TextArea placeholder={t('service.note')} maxLength={500} onChange={(e) => (note = e.target.value)} data-testid="ticket-note" />,
      okButtonProps: { danger: to === 'rejected', 'data-testid': 'ticket-move-ok' } as ButtonProps,
      onOk: () => api(`/service/tickets/${id}/transitions`, { method: 'POST', body: { to, note } }).then(after(t(`service.status.${to}`)), fail),
    });
  };
  const assign = () => void api(`/service/tickets/${id}/assignment`, { method: 'PUT', body: assignment }).then(after(t('service.assignSaved')), fail);
  const reply = async () => {
    const v = await comment.validateFields();
    await api(`/service/tickets/${id}/comments`, { method: 'POST', body: { body: v.body, attachments: urls(v.attachments) } }).then(() => {
      comment.resetFields();
      load();
    }, fail);
  };

  return (
    <Drawer open width={820} title={ticket?.subject ?? ''} onClose={onClose}>
      {!ticket ? (
        <Spin />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space wrap>
            <Tag color={statusColor[ticket.status]} data-testid="ticket-status">{t(`service.status.${ticket.status}`)}</Tag>
            <SlaTags ticket={ticket} />
            {writable && ticketTransitions[ticket.status].map((to) => (
              <Button key={to} size="small" type={to === 'rejected' ? 'default' : 'primary'} danger={to === 'rejected'} onClick={() => move(to)} data-testid={`ticket-to-${to}`}>{t(`service.action.${to}`)}</Button>
            ))}
          </Space>
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('service.typeFilter')}>{t(`service.type.${ticket.type}`)}</Descriptions.Item>
            <Descriptions.Item label={t('service.member')}><Link to={`/members/${ticket.member_id}`}>{ticket.member_id.slice(0, 8)}…</Link></Descriptions.Item>
            <Descriptions.Item label={t('service.description')} span={2}>{ticket.description || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('service.order')}>{ticket.order_id ? <Typography.Text copyable>{ticket.order_id}</Typography.Text> : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('service.lines')}>{ticket.lines.map((l) => `#${l.line_no} × ${l.qty}`).join('，') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('service.code')}>{ticket.code ? `${ticket.code} (${ticket.sku ?? ''})` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('service.refund')}>{ticket.refund_id ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('service.createdAt')}>{formatTime(ticket.created_at)}</Descriptions.Item>
            <Descriptions.Item label={t('service.acceptDue')}>{formatTime(ticket.accept_due_at)}</Descriptions.Item>
            <Descriptions.Item label={t('service.resolveDue')} span={2}>{formatTime(ticket.resolve_due_at)}</Descriptions.Item>
            <Descriptions.Item label={t('service.attachments')} span={2}><Attachments list={ticket.attachments} /></Descriptions.Item>
            <Descriptions.Item label={t('service.survey')} span={2}>
              {ticket.satisfaction ? <Space><Rate disabled value={ticket.satisfaction.score} /><Typography.Text>{ticket.satisfaction.comment}</Typography.Text><Typography.Text type="secondary">{formatTime(ticket.satisfaction.at)}</Typography.Text></Space> : <Typography.Text type="secondary">{t('service.noSurvey')}</Typography.Text>}
            </Descriptions.Item>
          </Descriptions>

          <Divider titlePlacement="start">{t('service.assign')}</Divider>
          <Space wrap>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('service.assignStore')} style={{ width: 220 }} disabled={!writable} value={assignment.store_id ?? undefined} onChange={(v) => setAssignment((a) => ({ ...a, store_id: v ?? null }))} options={stores.map((s) => ({ value: s.id, label: s.name }))} />
            <Select allowClear placeholder={t('service.assignOperator')} style={{ width: 180 }} disabled={!writable} value={assignment.operator_id ?? undefined} onChange={(v) => setAssignment((a) => ({ ...a, operator_id: v ?? null }))} options={operators.map((o) => ({ value: o.id, label: o.name }))} />
            {writable && <Button onClick={assign}>{t('service.assign')}</Button>}
          </Space>

          <Divider titlePlacement="start">{t('service.comments')}</Divider>
          <List
            size="small"
            dataSource={ticket.comments}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
            renderItem={(c) => (
              <List.Item>
                <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                  <Space><Tag color={c.author_type === 'member' ? 'blue' : 'orange'}>{t(`service.actor.${c.author_type}`)}</Tag><Typography.Text strong>{c.author}</Typography.Text><Typography.Text type="secondary">{formatTime(c.created_at)}</Typography.Text></Space>
                  <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{c.body}</Typography.Paragraph>
                  <Attachments list={c.attachments} />
                </Space>
              </List.Item>
            )}
          />
          {writable && (
            <Form form={comment} layout="vertical">
              <Form.Item name="body" rules={[{ required: true, whitespace: true }]} style={{ marginBottom: 8 }}><Input.TextArea rows={2} maxLength={2000} placeholder={t('service.commentBody')} /></Form.Item>
              <Form.Item name="attachments" style={{ marginBottom: 8 }}><Input.TextArea rows={1} placeholder={t('service.attachments')} /></Form.Item>
              <Button onClick={() => void reply()}>{t('service.send')}</Button>
            </Form>
          )}

          <Divider titlePlacement="start">{t('service.history')}</Divider>
          <Timeline
            items={ticket.history.map((h) => ({
              color: h.to === 'rejected' ? 'red' : 'blue',
              content: (
                <Space orientation="vertical" size={0}>
                  <Typography.Text>{`${h.from ? `${t(`service.status.${h.from}`)} → ` : ''}${t(`service.status.${h.to}`)}`}</Typography.Text>
                  <Typography.Text type="secondary">{`${formatTime(h.at)} · ${t(`service.actor.${h.actor_type}`, { defaultValue: h.actor_type })} ${h.by}`}</Typography.Text>
                  {h.note && <Typography.Text>{h.note}</Typography.Text>}
                </Space>
              ),
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}

function Attachments({ list }: { list: string[] }) {
  if (!list.length) return <>—</>;
  return <Space wrap>{list.map((u) => <a key={u} href={u} target="_blank" rel="noreferrer">{u.split('/').pop() || u}</a>)}</Space>;
}

interface NewTicket {
  type: Ticket['type'];
  subject: string;
  description?: string;
  order_id?: string;
  lines?: { line_no: number; qty: number }[];
  code?: string;
  attachments?: string;
}

/** A ticket for a member who phoned or came in: the server checks their order and lines as for the member's own. */
export function NewTicketModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [member, setMember] = useState<Member | null>(null);
  const [form] = Form.useForm<NewTicket>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!member) return message.warning(t('service.memberNotFound'));
    const v = await form.validateFields();
    setBusy(true);
    try {
      const body = { member_id: member.id, type: v.type, subject: v.subject, description: v.description ?? '', order_id: v.order_id?.trim() || undefined, lines: v.lines?.length ? v.lines : undefined, code: v.code?.trim() || undefined, attachments: urls(v.attachments) };
      const created = await api<Ticket>('/service/tickets', { method: 'POST', body, idempotent: true });
      onCreated(created.id);
      onClose();
    } catch (error) {
      message.error(problemText(t, 'service', error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={640} title={t('service.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.save')} confirmLoading={busy} okButtonProps={{ disabled: !member, 'data-testid': 'service-create-save' } as ButtonProps} destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <MemberFinder placeholder={t('service.memberLookup')} onFound={setMember} testId="service-create-member" />
        {member && <Typography.Text type="success">{`${member.member_no} ${member.name ?? member.nickname ?? ''} ${member.phone ?? ''}`}</Typography.Text>}
        <Form form={form} layout="vertical" initialValues={{ type: 'consultation' }}>
          <Form.Item name="type" label={t('service.typeFilter')} rules={[{ required: true }]}><Select options={serviceTypes.map((v) => ({ value: v, label: t(`service.type.${v}`) }))} /></Form.Item>
          <Form.Item name="subject" label={t('service.subject')} rules={[{ required: true, whitespace: true }]}><Input maxLength={120} data-testid="service-create-subject" /></Form.Item>
          <Form.Item name="description" label={t('service.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
          <Form.Item name="order_id" label={t('service.orderId')}><Input /></Form.Item>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ marginBottom: 16 }}>
                {fields.map((f) => (
                  <Space key={f.key}>
                    <Form.Item name={[f.name, 'line_no']} noStyle rules={[{ required: true }]}><InputNumber min={1} precision={0} placeholder={t('service.lineNo')} /></Form.Item>
                    <Form.Item name={[f.name, 'qty']} noStyle rules={[{ required: true }]}><InputNumber min={1} precision={0} placeholder={t('service.qty')} /></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({ qty: 1 })}>{t('service.addLine')}</Button>
              </Space>
            )}
          </Form.List>
          <Form.Item name="code" label={t('service.code')}><Input maxLength={40} /></Form.Item>
          <Form.Item name="attachments" label={t('service.attachments')}><Input.TextArea rows={2} /></Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}
