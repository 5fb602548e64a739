import { useEffect, useState } from 'react';
import { Button, DatePicker, Dialog, Form, Input, List, NavBar, Radio, Space, Switch, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MyProfile } from '@hearth/contracts/member-portal';
import { api, ApiError } from '../api.ts';
import { toggleLanguage } from '../i18n.ts';
import { useLoad } from '../use-load.ts';
import { formatInZone } from '../dates.ts';

interface Consent {
  channel: 'sms' | 'email' | 'wechat' | 'app_push';
  granted: boolean;
}

/** My profile (the birthday once), the messages I accept, my data, closing my membership, signing out. */
export function ProfilePage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const profile = useLoad<MyProfile>('/me/profile');
  const consents = useLoad<Consent[]>('/me/consents');
  const [draft, setDraft] = useState<Partial<MyProfile>>({});
  const [pickBirthday, setPickBirthday] = useState(false);
  const p = profile.data;
  useEffect(() => {
    if (p) setDraft({ name: p.name, nickname: p.nickname, gender: p.gender, email: p.email, city: p.city, birthday: p.birthday });
  }, [p]);

  async function save() {
    try {
      const body = {
        name: draft.name || null,
        nickname: draft.nickname || null,
        gender: draft.gender ?? null,
        email: draft.email || null,
        city: draft.city || null,
        ...(draft.birthday && !p?.birthday_locked && { birthday: { month: draft.birthday.month, day: draft.birthday.day, year: draft.birthday.year } }),
      };
      await api('/me/profile', { method: 'PATCH', body });
      Toast.show({ icon: 'success', content: t('profile.saved') });
      await profile.reload();
    } catch (err) {
      Toast.show({ content: err instanceof ApiError ? t(`errors.${err.code}`, { defaultValue: err.message }) : (err as Error).message });
    }
  }

  async function setConsent(channel: Consent['channel'], granted: boolean) {
    await api(`/me/consents/${channel}`, { method: 'PUT', body: { granted } });
    await consents.reload();
  }

  async function exportData() {
    const data = await api<unknown>('/me/privacy/export', { method: 'POST' });
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `my-data-${p?.member_no ?? 'member'}.json`;
    a.click();
    URL.revokeObjectURL(url);
    Toast.show({ content: t('profile.exportDone') });
  }

  async function erase() {
    const ok = await Dialog.confirm({
      title: t('profile.erase'),
      content: <div className="warning">{t('profile.eraseWarning')}</div>,
      confirmText: <span style={{ color: '#a8071a' }}>{t('profile.eraseConfirm')}</span>,
      cancelText: t('common.cancel'),
    });
    if (!ok) return;
    await api('/me/privacy/erase', { method: 'POST', body: { confirm: true } });
    await Dialog.alert({ content: t('profile.erased'), confirmText: t('common.confirm') });
    navigate('/sign-in', { replace: true });
  }

  async function logout() {
    await api('/me/auth/logout', { method: 'POST' });
    navigate('/sign-in', { replace: true });
  }

  const birthdayText = draft.birthday ? `${draft.birthday.year ? `${draft.birthday.year}-` : ''}${String(draft.birthday.month).padStart(2, '0')}-${String(draft.birthday.day).padStart(2, '0')}` : '—';
  return (
    <main>
      <NavBar back={null}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('profile.title')}</h1>
      </NavBar>
      <div className="page-body">
        {profile.error}
        {p && (
          <div className="muted" style={{ padding: '0 4px' }}>
            {p.brand.name} · {p.member_no} · {t('profile.memberSince', { date: formatInZone(p.registered_at, { year: 'numeric', month: 'numeric', day: 'numeric' }) })}
          </div>
        )}
        <Form layout="horizontal" mode="card" style={{ margin: 0 }} footer={<Button block color="primary" onClick={() => void save()} data-testid="profile-save">{t('common.save')}</Button>}>
          <Form.Item label={t('profile.phone')}>
            <span>{p?.phone ?? '—'}</span>
          </Form.Item>
          <Form.Item label={t('profile.name')}>
            <Input value={draft.name ?? ''} onChange={(v) => setDraft({ ...draft, name: v })} aria-label={t('profile.name')} maxLength={100} />
          </Form.Item>
          <Form.Item label={t('profile.nickname')}>
            <Input value={draft.nickname ?? ''} onChange={(v) => setDraft({ ...draft, nickname: v })} aria-label={t('profile.nickname')} maxLength={100} data-testid="profile-nickname" />
          </Form.Item>
          <Form.Item label={t('profile.gender')}>
            <Radio.Group value={draft.gender ?? undefined} onChange={(v) => setDraft({ ...draft, gender: v as MyProfile['gender'] })}>
              <Space>
                {(['female', 'male', 'unknown'] as const).map((g) => (
                  <Radio key={g} value={g}>
                    {t(`profile.genders.${g}`)}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Form.Item>
          <Form.Item label={t('profile.birthday')} description={p?.birthday_locked ? undefined : t('profile.birthdayOnce')} onClick={() => !p?.birthday_locked && setPickBirthday(true)} clickable={!p?.birthday_locked}>
            <span data-testid="profile-birthday">
              {birthdayText}
              {p?.birthday_locked && <span className="muted"> · {t('profile.birthdayLocked')}</span>}
            </span>
          </Form.Item>
          <Form.Item label={t('profile.email')}>
            <Input type="email" value={draft.email ?? ''} onChange={(v) => setDraft({ ...draft, email: v })} aria-label={t('profile.email')} />
          </Form.Item>
          <Form.Item label={t('profile.city')}>
            <Input value={draft.city ?? ''} onChange={(v) => setDraft({ ...draft, city: v })} aria-label={t('profile.city')} />
          </Form.Item>
        </Form>
        <DatePicker
          visible={pickBirthday}
          onClose={() => setPickBirthday(false)}
          min={new Date(1920, 0, 1)}
          max={new Date()}
          defaultValue={new Date(1995, 0, 1)}
          title={t('profile.birthday')}
          confirmText={t('common.confirm')}
          cancelText={t('common.cancel')}
          onConfirm={(d) => setDraft({ ...draft, birthday: { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() } })}
        />

        <List header={t('profile.consents')} mode="card" style={{ margin: 0 }}>
          {consents.data?.map((c) => (
            <List.Item key={c.channel} extra={<Switch checked={c.granted} onChange={(v) => void setConsent(c.channel, v)} aria-label={t(`profile.channels.${c.channel}`)} />}>
              {t(`profile.channels.${c.channel}`)}
            </List.Item>
          ))}
        </List>

        <List header={t('profile.privacy')} mode="card" style={{ margin: 0 }}>
          <List.Item onClick={() => void exportData()}>{t('profile.export')}</List.Item>
          <List.Item onClick={() => void erase()}>
            <span style={{ color: '#a8071a' }}>{t('profile.erase')}</span>
          </List.Item>
        </List>

        <List mode="card" style={{ margin: 0 }}>
          <List.Item onClick={() => navigate('/inbox')}>{t('card.links.inbox')}</List.Item>
          <List.Item onClick={toggleLanguage}>{t('app.language')}</List.Item>
          <List.Item onClick={() => void logout()}>{t('profile.logout')}</List.Item>
        </List>
      </div>
    </main>
  );
}
