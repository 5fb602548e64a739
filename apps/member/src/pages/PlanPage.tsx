import { useState } from 'react';
import { Button, Dialog, NavBar, Tag, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { myBenefitsSchema, myMembershipSchema } from '@hearth/contracts/member-portal';
import { api, ApiError, fen } from '../api.ts';
import { inWechat } from '../brand.ts';
import { useLoad } from '../use-load.ts';
import { requestWechatPay } from '../wechat-pay.ts';
import { formatInZone } from '../dates.ts';
import { PartnerBenefits } from './PartnerBenefits.tsx';

type MyMembership = z.infer<typeof myMembershipSchema>;
type Plan = MyMembership['plans'][number];

/**
 * The paid plan: what I have and until when, buying or renewing (WeChat Pay JSAPI inside WeChat after a WeChat
 * sign-in, otherwise an order paid at the counter), and stopping auto-renew.
 */
export function PlanPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const state = useLoad<MyMembership>('/me/membership');
  const benefits = useLoad<z.infer<typeof myBenefitsSchema>>('/me/benefits');
  // A new plan can make partner perks claimable: the list is asked again after a payment.
  const [partnersVersion, setPartnersVersion] = useState(0);
  const en = i18n.language === 'en';
  const data = state.data;
  const current = data?.membership.current;
  const currentPlan = data?.plans.find((p) => p.id === current?.plan_id);
  const pending = data?.membership.payments.find((p) => p.status === 'pending');
  const date = (iso: string) => formatInZone(iso, { year: 'numeric', month: 'long', day: 'numeric' });

  async function buy(plan: Plan) {
    const provider = inWechat && data?.wechat_pay ? 'wechat' : 'offline';
    try {
      const result = await api<{ payment: { amount_fen: number }; pay_params: Record<string, string> | null }>('/me/membership/purchase', { method: 'POST', body: { plan_id: plan.id, provider, auto_renew: plan.auto_renew_allowed } });
      if (result.pay_params && window.WeixinJSBridge) {
        await requestWechatPay(result.pay_params);
        await Promise.all([state.reload(), benefits.reload()]);
        setPartnersVersion((v) => v + 1);
        return;
      }
      await Dialog.alert({ content: t('plan.payAtCounter', { amount: fen(result.payment.amount_fen) }), confirmText: t('common.confirm') });
      await state.reload();
    } catch (err) {
      Toast.show({ content: err instanceof ApiError ? err.message : (err as Error).message });
    }
  }

  async function cancel() {
    if (!(await Dialog.confirm({ content: t('plan.cancelConfirm'), confirmText: t('common.confirm'), cancelText: t('common.cancel') }))) return;
    await api('/me/membership/cancel', { method: 'POST' });
    Toast.show({ content: t('plan.canceled') });
    await state.reload();
  }

  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('plan.title')}</h1>
      </NavBar>
      <div className="page-body">
        {state.error}
        <section className="card" aria-labelledby="my-plan" data-testid="my-plan">
          <h2 id="my-plan">{t('plan.myPlan')}</h2>
          {data?.membership.is_paid_member && current ? (
            <>
              <div style={{ fontSize: 18, fontWeight: 600 }}>{currentPlan?.name}</div>
              <div className="muted">{t('plan.until', { date: date(data.membership.benefits_until ?? current.current_period_end) })}</div>
              <div style={{ marginTop: 8, display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
                <Tag color={current.auto_renew ? 'success' : 'default'}>{t('plan.autoRenew')}: {current.auto_renew ? '✓' : '—'}</Tag>
                {current.auto_renew && (
                  <Button size="small" onClick={() => void cancel()}>
                    {t('plan.cancelAutoRenew')}
                  </Button>
                )}
              </div>
            </>
          ) : (
            <div className="muted">{t('plan.none')}</div>
          )}
          {pending && <div style={{ marginTop: 8, color: '#ad4e00' }}>{t('plan.pending', { amount: fen(pending.amount_fen) })}</div>}
        </section>

        {data?.plans.map((plan) => (
          <section key={plan.id} className="card" aria-label={plan.name}>
            <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
              <h2 style={{ margin: 0 }}>{plan.name}</h2>
              <strong style={{ color: '#c2410c', fontSize: 18 }}>{t('plan.price', { price: fen(plan.price_fen), period: t(`plan.periods.${plan.period}`) })}</strong>
            </div>
            {plan.description && <p className="muted">{plan.description}</p>}
            {plan.benefits.length > 0 && (
              <ul style={{ margin: '0 0 8px', paddingLeft: 18, lineHeight: 1.8 }}>
                {plan.benefits.map((b) => (
                  <li key={b.id}>{en ? (b.name_en ?? b.name) : b.name}</li>
                ))}
              </ul>
            )}
            {plan.trial_days > 0 && <Tag color="warning">{t('plan.trial', { days: plan.trial_days })}</Tag>}
            <Button block color="primary" style={{ marginTop: 12 }} onClick={() => void buy(plan)} disabled={Boolean(pending)} data-testid="plan-buy">
              {current?.plan_id === plan.id ? t('plan.renew') : t('plan.buy')} · {inWechat && data.wechat_pay ? t('plan.payWechat') : t('plan.payOffline')}
            </Button>
          </section>
        ))}

        <section className="card" aria-labelledby="my-benefits" data-testid="my-benefits">
          <h2 id="my-benefits">{t('plan.benefits')}</h2>
          {benefits.error}
          {benefits.data && benefits.data.savings.total_fen > 0 && (
            <p style={{ color: '#c2410c', fontWeight: 600, marginTop: 0 }}>{en ? benefits.data.savings.message.en : benefits.data.savings.message.zh}</p>
          )}
          {benefits.data?.entitlements.length === 0 && <p className="muted" style={{ margin: 0 }}>{t('plan.noBenefits')}</p>}
          {benefits.data?.entitlements.map((e) => (
            <div key={e.benefit.id} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
              <div>
                <div>{en ? (e.benefit.name_en ?? e.benefit.name) : e.benefit.name}</div>
                {e.valid_until && <div className="muted">{t('plan.until', { date: date(e.valid_until) })}</div>}
              </div>
              <Tag color="primary" fill="outline">
                {e.remaining === null ? t('plan.unlimited') : t('plan.remaining', { n: e.remaining })}
              </Tag>
            </div>
          ))}
          <Button size="small" fill="none" color="primary" onClick={() => navigate('/tier')} style={{ paddingLeft: 0 }}>
            {t('card.links.tier')} ›
          </Button>
        </section>
        <PartnerBenefits key={partnersVersion} />
      </div>
    </main>
  );
}
