import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Form, Input, Toast } from 'antd-mobile';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { currentBrand, inWechat } from '../brand.ts';
import { takeReturn } from '../return-to.ts';
import { toggleLanguage } from '../i18n.ts';
import { Loading } from '../App.tsx';

interface BrandInfo {
  slug: string;
  name: string;
  wechat_sign_in: boolean;
}

/** Phone and SMS code (a new phone becomes a member), or WeChat inside WeChat. */
export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const brand = currentBrand();
  const [info, setInfo] = useState<BrandInfo>();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    api<BrandInfo>(`/me/auth/brand?brand=${encodeURIComponent(brand)}`).then(setInfo, (err: unknown) => setError(message(t, err)));
  }, [brand, t]);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  async function sendCode() {
    setError(undefined);
    try {
      const sent = await api<{ resend_after_seconds: number }>('/me/auth/sms/code', { method: 'POST', body: { brand, phone } });
      setWait(sent.resend_after_seconds);
      Toast.show({ content: t('signIn.sent') });
    } catch (err) {
      setError(message(t, err));
    }
  }

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      await api('/me/auth/sms/verify', { method: 'POST', body: { brand, phone, code, session: 'cookie' } });
      navigate(takeReturn(), { replace: true });
    } catch (err) {
      setError(message(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function wechat() {
    const redirect = `${window.location.origin}/m/auth/wechat`;
    const { url } = await api<{ url: string }>(`/me/auth/wechat/authorize?brand=${encodeURIComponent(brand)}&scope=snsapi_userinfo&redirect_uri=${encodeURIComponent(redirect)}`);
    window.location.href = url;
  }

  return (
    <main style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #fff3e8 0%, #ffffff 45%)', padding: '48px 20px', boxSizing: 'border-box' }}>
      <div style={{ textAlign: 'right' }}>
        <Button size="mini" fill="none" onClick={toggleLanguage}>
          {t('app.language')}
        </Button>
      </div>
      <h1 style={{ fontSize: 24, margin: '12px 0 4px', color: '#7c2d12' }}>{info?.name ?? t('app.title')}</h1>
      <p className="muted" style={{ marginTop: 0 }}>{t('signIn.subtitle')}</p>
      <Form layout="vertical" style={{ '--border-top': 'none', marginTop: 24 } as React.CSSProperties}>
        <Form.Item label={<label htmlFor="phone">{t('signIn.phone')}</label>}>
          <Input id="phone" data-testid="signin-phone" type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} placeholder={t('signIn.phonePlaceholder')} value={phone} onChange={setPhone} aria-label={t('signIn.phone')} />
        </Form.Item>
        <Form.Item
          label={<label htmlFor="code">{t('signIn.code')}</label>}
          extra={
            <Button size="small" color="primary" fill="outline" disabled={wait > 0 || phone.length < 11} onClick={sendCode} data-testid="signin-send">
              {wait > 0 ? t('signIn.resend', { seconds: wait }) : t('signIn.sendCode')}
            </Button>
          }
        >
          <Input id="code" data-testid="signin-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder={t('signIn.codePlaceholder')} value={code} onChange={setCode} aria-label={t('signIn.code')} />
        </Form.Item>
      </Form>
      {error && (
        <p role="alert" style={{ color: '#a8071a', fontSize: 14 }}>
          {error}
        </p>
      )}
      <Button block color="primary" size="large" shape="rounded" loading={busy} disabled={phone.length < 11 || code.length !== 6} onClick={submit} data-testid="signin-submit" style={{ marginTop: 16 }}>
        {t('signIn.submit')}
      </Button>
      {info?.wechat_sign_in && inWechat && (
        <Button block size="large" shape="rounded" onClick={() => void wechat()} style={{ marginTop: 12, color: '#07c160', borderColor: '#07c160' }} data-testid="signin-wechat">
          {t('signIn.wechat')}
        </Button>
      )}
      <p className="muted" style={{ textAlign: 'center', marginTop: 24 }}>{t('signIn.agree')}</p>
    </main>
  );
}

/** WeChat sends the member back here with ?code&state; the server checks the state against its cookie. */
export function WechatCallbackPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api('/me/auth/wechat', { method: 'POST', body: { brand: currentBrand(), code: params.get('code') ?? '', state: params.get('state') ?? '', session: 'cookie' } }).then(
      () => navigate(takeReturn(), { replace: true }),
      (err: unknown) => setError(message(t, err)),
    );
  }, [navigate, params, t]);
  return error ? (
    <p role="alert" style={{ padding: 24 }}>
      {error} <a href="/m/sign-in">{t('common.retry')}</a>
    </p>
  ) : (
    <Loading />
  );
}

function message(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const field = err.fieldCode;
    if (field && t(`signIn.errors.${field}`, { defaultValue: '' })) return t(`signIn.errors.${field}`);
    return t(`errors.${err.code}`, { defaultValue: err.message });
  }
  return (err as Error).message;
}
