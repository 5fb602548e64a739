import { useEffect, useState } from 'react';
import { Button, NavBar, Popup, Tabs } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { couponRulesText, couponThresholdText, couponValueText, type TextLocale } from '@hearth/contracts/coupon-text';
import type { MyCoupon } from '@hearth/contracts/member-portal';
import { useLoad } from '../use-load.ts';
import { formatInZone } from '../dates.ts';

type Status = 'available' | 'used' | 'expired';

/** Available, used and expired coupons; a tap shows the QR and code to write off at the counter, with the rules. */
export function CouponsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as Status | null) ?? 'available';
  const coupons = useLoad<MyCoupon[]>(`/me/coupons?status=${status}`);
  const [open, setOpen] = useState<MyCoupon>();
  const locale: TextLocale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const date = (iso: string) => formatInZone(iso, { year: 'numeric', month: 'long', day: 'numeric' });

  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('coupons.title')}</h1>
      </NavBar>
      <Tabs activeKey={status} onChange={(key) => setParams({ status: key }, { replace: true })} style={{ background: '#fff' }}>
        {(['available', 'used', 'expired'] as const).map((key) => (
          <Tabs.Tab key={key} title={<span data-testid={`coupons-tab-${key}`}>{t(`coupons.${key}`)}</span>} />
        ))}
      </Tabs>
      <div className="page-body">
        {coupons.error}
        {coupons.data?.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('coupons.none')}</div>}
        {coupons.data?.map((c) => (
          <article key={c.id} className={`coupon${status === 'available' ? '' : ' dim'}`} data-testid="coupon-item" aria-label={c.template_name}>
            <div className="value">
              <div style={{ fontSize: 16 }}>{couponValueText(c.terms, locale)}</div>
              <div style={{ fontSize: 11, fontWeight: 400, marginTop: 4 }}>{couponThresholdText(c.terms, locale)}</div>
            </div>
            <div className="body">
              <div style={{ fontWeight: 600 }}>{c.template_name}</div>
              <div className="muted">
                {c.status === 'redeemed' && c.redeemed_at ? t('coupons.usedAt', { date: date(c.redeemed_at) }) : t('coupons.validUntil', { date: date(new Date(Date.parse(c.expires_at) - 1).toISOString()) })}
              </div>
              <div style={{ textAlign: 'right', marginTop: 6 }}>
                <Button size="mini" color="primary" fill={status === 'available' ? 'solid' : 'outline'} onClick={() => setOpen(c)} data-testid="coupon-open">
                  {status === 'available' ? t('coupons.use') : t('coupons.rules')}
                </Button>
              </div>
            </div>
          </article>
        ))}
      </div>
      <Popup visible={open !== undefined} onMaskClick={() => setOpen(undefined)} bodyStyle={{ borderTopLeftRadius: 16, borderTopRightRadius: 16, padding: 20, maxHeight: '85vh', overflowY: 'auto' }}>
        {open && <CouponDetail coupon={open} locale={locale} showQr={status === 'available'} />}
      </Popup>
    </main>
  );
}

function CouponDetail({ coupon, locale, showQr }: { coupon: MyCoupon; locale: TextLocale; showQr: boolean }) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    void QRCode.toString(coupon.qr_payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then((svg) => setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`));
  }, [coupon.qr_payload]);
  return (
    <section aria-label={coupon.template_name} data-testid="coupon-detail">
      <h2 style={{ margin: '0 0 4px', fontSize: 18 }}>{coupon.template_name}</h2>
      {coupon.description && <p className="muted">{coupon.description}</p>}
      {showQr && (
        <div style={{ textAlign: 'center' }}>
          {qr && <img src={qr} alt={t('coupons.qrLabel', { code: coupon.code })} data-testid="coupon-qr" data-payload={coupon.qr_payload} style={{ width: 200, height: 200 }} />}
          <div className="muted">{t('coupons.showQr')}</div>
        </div>
      )}
      <div className="code-text" aria-label={t('coupons.code')} data-testid="coupon-code">
        {coupon.code}
      </div>
      <h3 style={{ fontSize: 15, margin: '16px 0 6px' }}>{t('coupons.rules')}</h3>
      <ul style={{ paddingLeft: 18, margin: 0, lineHeight: 1.8, fontSize: 14 }}>
        {couponRulesText(coupon.terms, locale).map((rule) => (
          <li key={rule}>{rule}</li>
        ))}
      </ul>
    </section>
  );
}
