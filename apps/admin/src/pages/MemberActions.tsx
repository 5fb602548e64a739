import { useEffect, useState } from 'react';
import { App, Card, Input, Modal, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { consentChannels, type Member } from '@hearth/contracts/members';
import { api, query, type Page } from '../api.ts';

interface TagView {
  id: string;
  name: string;
  group_name: string;
}

/** The member's tags, added and removed one by one (each change is kept in the tag history). */
export function MemberTagsCard({ memberId, tags, editable, onChange }: { memberId: string; tags: TagView[]; editable: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    if (!editable) return;
    void api<{ data: { name: string; tags: { id: string; name: string }[] }[] }>('/tag-groups').then((r) =>
      setOptions(r.data.flatMap((g) => g.tags.map((tag) => ({ value: tag.id, label: `${g.name} · ${tag.name}` })))),
    );
  }, [editable]);
  const change = (tagId: string, action: 'add' | 'remove') =>
    api(`/tags/${tagId}/members`, { method: 'POST', body: { action, member_ids: [memberId] } }).then(onChange, (e: Error) => message.error(e.message));
  const held = new Set(tags.map((tag) => tag.id));
  return (
    <Card title={t('members.tags')} size="small" style={{ marginTop: 16 }}>
      <Space wrap>
        {tags.map((tag) => (
          <Tag key={tag.id} closable={editable} onClose={(e) => { e.preventDefault(); void change(tag.id, 'remove'); }}>
            {tag.group_name} · {tag.name}
          </Tag>
        ))}
        {editable && (
          <Select size="small" style={{ width: 180 }} placeholder={t('members.addTag')} value={null} showSearch optionFilterProp="label" options={options.filter((o) => !held.has(o.value))} onChange={(tagId: string) => void change(tagId, 'add')} />
        )}
        {!editable && tags.length === 0 && <Typography.Text type="secondary">{t('members.none')}</Typography.Text>}
      </Space>
    </Card>
  );
}

interface ConsentView {
  channel: string;
  granted: boolean;
  source: string;
  updated_at: string;
}

/** One switch per channel; a change made here is recorded with source "console". */
export function MemberConsentCard({ memberId, consents, editable, onChange }: { memberId: string; consents: ConsentView[]; editable: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const byChannel = new Map(consents.map((c) => [c.channel, c]));
  const set = (channel: string, granted: boolean) =>
    api(`/members/${memberId}/consents`, { method: 'PUT', body: { channel, granted, source: 'console', wording_version: 'console' } }).then(onChange, (e: Error) => message.error(e.message));
  return (
    <Card title={t('members.consents')} size="small">
      {consentChannels.map((channel) => {
        const consent = byChannel.get(channel);
        return (
          <div key={channel} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '6px 0' }}>
            <span>{t(`members.consentChannels.${channel}`)}</span>
            <Space>
              {consent && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{consent.source}</Typography.Text>}
              <Switch size="small" checked={consent?.granted ?? false} disabled={!editable} onChange={(granted) => void set(channel, granted)} />
            </Space>
          </div>
        );
      })}
    </Card>
  );
}

/** Finds the duplicate by member number and merges it into this member. */
export function MemberMergeModal({ memberId, open, onClose, onMerged }: { memberId: string; open: boolean; onClose: () => void; onMerged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [memberNo, setMemberNo] = useState('');
  const [reason, setReason] = useState('');
  const merge = async () => {
    try {
      const found = await api<Page<Member>>(`/members${query({ member_no: memberNo.trim() })}`);
      const other = found.data[0];
      if (!other) throw new Error(`${memberNo}?`);
      await api(`/members/${memberId}/merge`, { method: 'POST', body: { from_member_id: other.id, reason }, idempotent: true });
      message.success(t('members.merged'));
      onMerged();
    } catch (error) {
      message.error((error as Error).message);
    }
  };
  return (
    <Modal title={t('members.merge')} open={open} onOk={merge} onCancel={onClose} okButtonProps={{ disabled: !memberNo.trim() || !reason.trim() }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('members.mergeHint')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input placeholder={t('members.memberNo')} value={memberNo} onChange={(e) => setMemberNo(e.target.value)} />
        <Input placeholder={t('members.mergeReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Space>
    </Modal>
  );
}
