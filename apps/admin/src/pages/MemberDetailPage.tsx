import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, List, Modal, Row, Space, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined, EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Member } from '@hearth/contracts/members';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { MemberConsentCard, MemberMergeModal, MemberTagsCard } from './MemberActions.tsx';
import { MemberBenefitsSection } from './MemberBenefitsSection.tsx';
import { MemberCouponsSection } from './MemberCouponsSection.tsx';
import { MemberMembershipSection } from './MemberMembershipSection.tsx';
import { MemberPointsSection } from './MemberPointsSection.tsx';
import { MemberTierSection } from './MemberTierSection.tsx';

interface Member360 {
  member: Member;
  identities: { type: string; app_id: string | null; value: string; created_at: string }[];
  consents: { channel: string; granted: boolean; source: string; wording_version: string; updated_at: string }[];
  tags: { id: string; name: string; group_name: string }[];
  sections: { recent_events?: { client_event_id: string; type: string; occurred_at: string }[] } & Record<string, unknown>;
}

export function MemberDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const navigate = useNavigate();
  const [view, setView] = useState<Member360 | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [merging, setMerging] = useState(false);
  const [reason, setReason] = useState('');

  const load = useCallback(
    (reveal: boolean) =>
      api<Member360>(`/members/${id}${reveal ? '?reveal=true' : ''}`).then(
        (v) => {
          setView(v);
          setRevealed(reveal);
        },
        (e: Error) => message.error(e.message),
      ),
    [id, message],
  );
  useEffect(() => void load(false), [load]);

  const exportData = async () => {
    const data = await api<unknown>(`/members/${id}/export`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    link.download = `member-${view?.member.member_no}.json`;
    link.click();
  };

  const erase = async () => {
    await api(`/members/${id}/erase`, { method: 'POST', body: { reason } }).then(
      () => message.success(t('members.erased')),
      (e: Error) => message.error(e.message),
    );
    setErasing(false);
    await load(false);
  };

  if (!view) return <Card loading />;
  const m = view.member;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/members')} aria-label={t('members.back')} />
            {m.name ?? m.nickname ?? m.member_no}
            <Tag>{m.member_no}</Tag>
            <Tag color={m.status === 'active' ? 'green' : 'default'}>{t(`members.status.${m.status}`)}</Tag>
          </Space>
        }
        extra={
          <Space>
            {can('members:read_pii') && m.pii_masked && !revealed && (
              <Button icon={<EyeOutlined />} onClick={() => load(true)} title={t('members.revealHint')} data-testid="member-reveal">
                {t('members.reveal')}
              </Button>
            )}
            {can('members:write') && m.status === 'active' && <Button onClick={() => setMerging(true)}>{t('members.merge')}</Button>}
            {can('members:erase') && m.status !== 'erased' && m.status !== 'merged' && (
              <>
                <Button onClick={exportData}>{t('members.export')}</Button>
                <Button danger onClick={() => setErasing(true)}>
                  {t('members.erase')}
                </Button>
              </>
            )}
          </Space>
        }
      >
        {m.merged_into && <Alert type="info" showIcon title={<a onClick={() => navigate(`/members/${m.merged_into}`)}>{`${t('members.mergedInto')} ${m.merged_into}`}</a>} style={{ marginBottom: 16 }} />}
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label={t('members.phone')}>{m.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.email')}>{m.email ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.gender')}>{m.gender ? t(`members.genders.${m.gender}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.birthday')}>{m.birthday ? `${m.birthday.year ? `${m.birthday.year}-` : ''}${m.birthday.month}-${m.birthday.day}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.region')}>{[m.province, m.city, m.district].filter(Boolean).join(' / ') || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('members.channel')}>{t(`members.channels.${m.channel}`)}</Descriptions.Item>
          <Descriptions.Item label={t('members.registeredAt')}>{formatTime(m.registered_at)}</Descriptions.Item>
          {Object.entries(m.custom_fields).map(([key, value]) => (
            <Descriptions.Item key={key} label={key}>
              {String(value)}
            </Descriptions.Item>
          ))}
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <Card title={t('members.identities')} size="small">
            <List size="small" dataSource={view.identities} locale={{ emptyText: t('members.none') }} renderItem={(i) => <List.Item><Typography.Text type="secondary">{i.type}{i.app_id ? ` (${i.app_id})` : ''}</Typography.Text> {i.value}</List.Item>} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <MemberConsentCard memberId={m.id} consents={view.consents} editable={can('members:write') && m.status === 'active'} onChange={() => void load(revealed)} />
          <MemberTagsCard memberId={m.id} tags={view.tags} editable={can('tags:manage') && m.status === 'active'} onChange={() => void load(revealed)} />
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('members.events')} size="small">
            {view.sections.recent_events?.length ? (
              <Timeline items={view.sections.recent_events.map((e) => ({ children: `${formatTime(e.occurred_at)} · ${e.type}` }))} />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            )}
          </Card>
        </Col>
      </Row>
      <MemberMembershipSection memberId={m.id} active={m.status === 'active'} />
      <MemberTierSection memberId={m.id} active={m.status === 'active'} />
      <MemberPointsSection memberId={m.id} active={m.status === 'active'} />
      <MemberCouponsSection memberId={m.id} active={m.status === 'active'} />
      <MemberBenefitsSection memberId={m.id} active={m.status === 'active'} />
      <MemberMergeModal memberId={m.id} open={merging} onClose={() => setMerging(false)} onMerged={() => { setMerging(false); void load(false); }} />
      <Modal title={t('members.erase')} open={erasing} onOk={erase} onCancel={() => setErasing(false)} okButtonProps={{ danger: true, disabled: !reason.trim() }}>
        <Typography.Paragraph>{t('members.eraseConfirm')}</Typography.Paragraph>
        <Input placeholder={t('members.eraseReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </Space>
  );
}
