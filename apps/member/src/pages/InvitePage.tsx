import { useEffect, useState } from 'react';
import { Button, Input, NavBar, Tag, Toast } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { myReferralsSchema } from '@hearth/contracts/referrals';
import { api, fen } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { deviceId } from '../return-to.ts';
import { useLoad } from '../use-load.ts';

type MyReferrals = z.infer<typeof myReferralsSchema>;

/** "100 积分 + 优惠券"; empty when the brand gives that side nothing. */
const gift = (t: TFunction, points: number, coupon: boolean) => [points > 0 && t('invite.points', { n: points }), coupon && t('invite.coupon')].filter(Boolean).join(t('invite.and'));

/**
 * 邀请有礼: my invite code and a poster with its QR code, joining through a friend's code (the invite link opens
 * this page with `?code=`), and the friends I brought with what they earned me.
 */
export function InvitePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const [params] = useSearchParams();
  const mine = useLoad<MyReferrals>('/me/referrals');
  const [qr, setQr] = useState<string>();
  // The server's link is relative to its host; the QR and the copied link must open from any phone.
  const link = mine.data && `${window.location.origin}${mine.data.invite.link}`;

  useEffect(() => {
    if (link) void QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then((svg) => setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`));
  }, [link]);

  async function copy() {
    if (!link) return;
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    Toast.show({ content: t('invite.copied') });
  }
  async function share() {
    if (!link) return;
    try {
      // Desktop browsers and some WebViews have no share sheet: the link goes to the clipboard instead.
      const sheet = typeof navigator.share === 'function';
      if (sheet) await navigator.share({ title: t('invite.title'), url: link });
      else await navigator.clipboard?.writeText(link);
      await api('/me/referrals/shares', { method: 'POST', body: { channel: sheet ? 'system_share' : 'link', device_id: deviceId() } });
      Toast.show({ content: t('invite.shared') });
    } catch (err) {
      // Closing the phone's share sheet is not an error worth a message.
      if ((err as Error).name !== 'AbortError') Toast.show({ content: problemText(t, err, 'invite') });
    }
  }

  const d = mine.data;
  const friendCode = params.get('code');
  const forMe = d && gift(t, d.offer.referrer_points, d.offer.referrer_coupon);
  const forFriend = d && gift(t, d.offer.referee_points, d.offer.referee_coupon);
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('invite.title')}</h1>
      </NavBar>
      <div className="page-body">
        {mine.error}
        {friendCode && <JoinCard initial={friendCode} invited onJoined={() => navigate('/invite', { replace: true })} />}
        {d && (
          <section className="qr-box" data-testid="invite-poster" aria-label={t('invite.posterLabel')} style={{ background: 'linear-gradient(180deg, #fff3e8 0%, #ffffff 60%)' }}>
            <h2 style={{ margin: '0 0 8px', color: '#c2410c' }}>{t('invite.title')}</h2>
            {forMe && <div className="muted">{t('invite.offerReferrer', { gift: forMe })}</div>}
            {forFriend && <div className="muted">{t('invite.offerReferee', { gift: forFriend })}</div>}
            {qr ? <img src={qr} alt={t('invite.posterLabel')} data-testid="invite-qr" data-link={link} style={{ marginTop: 8 }} /> : <div style={{ height: 220 }} />}
            <div className="muted">{t('invite.myCode')}</div>
            <div className="code-text" data-testid="invite-code">{d.invite.code}</div>
            <div className="muted" style={{ marginTop: 8 }}>{d.offer.min_order_fen > 0 ? t('invite.posterHint', { min: fen(d.offer.min_order_fen) }) : t('invite.posterHintAny')}</div>
            <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
              <Button block onClick={copy}>{t('invite.copy')}</Button>
              <Button block color="primary" onClick={share} data-testid="invite-share">{t('invite.share')}</Button>
            </div>
          </section>
        )}
        {d && (
          <section className="card" aria-labelledby="invite-friends">
            <h2 id="invite-friends">{t('invite.friends')}</h2>
            <div className="muted" style={{ marginBottom: 8 }}>{t('invite.joined', { n: d.joined })} · {t('invite.rewarded', { n: d.rewarded })}</div>
            {d.referrals.length === 0 && <div className="muted">{t('invite.noFriends')}</div>}
            {d.referrals.map((r) => (
              <div key={`${r.member_no}-${r.joined_at}`} data-testid="invite-friend" style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '8px 0', borderTop: '1px solid #f0f0f0' }}>
                <div>
                  <div>{t('invite.friend', { no: r.member_no ?? '—' })}</div>
                  <div className="muted">{t('invite.joinedAt', { date: date(r.joined_at) })}{r.reward && gift(t, r.reward.points, r.reward.coupon) && ` · ${t('invite.reward', { gift: gift(t, r.reward.points, r.reward.coupon) })}`}</div>
                </div>
                <Tag color={r.status === 'rewarded' ? 'success' : r.status === 'canceled' ? 'default' : 'primary'}>{t(`invite.status.${r.status}`)}</Tag>
              </div>
            ))}
          </section>
        )}
        {!friendCode && <JoinCard initial="" onJoined={() => void mine.reload()} />}
      </div>
    </main>
  );
}

/** Entering the invite code of the friend who brought me: new members only, once. */
function JoinCard({ initial, invited, onJoined }: { initial: string; invited?: boolean; onJoined: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState(initial);
  const [busy, setBusy] = useState(false);
  async function join() {
    setBusy(true);
    try {
      await api('/me/referrals/join', { method: 'POST', body: { code, device_id: deviceId() } });
      Toast.show({ icon: 'success', content: t('invite.joinedOk') });
      onJoined();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'invite') });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="invite-join" data-testid="invite-join">
      <h2 id="invite-join">{t('invite.joinTitle')}</h2>
      <div className="muted" style={{ marginBottom: 8 }}>{invited ? t('invite.inviteFrom') : t('invite.joinHint')}</div>
      <Input value={code} onChange={setCode} placeholder={t('invite.codePlaceholder')} aria-label={t('invite.joinTitle')} maxLength={40} data-testid="invite-join-code" />
      <Button block color="primary" fill={invited ? 'solid' : 'outline'} loading={busy} disabled={!code.trim()} onClick={join} style={{ marginTop: 8 }} data-testid="invite-join-submit">{t('invite.join')}</Button>
    </section>
  );
}
