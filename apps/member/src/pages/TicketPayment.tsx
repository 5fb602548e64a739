import { useEffect, useState } from 'react';
import { Button, Toast } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Registration } from '@hearth/contracts/events';
import { api } from '../api.ts';
import { problemText } from '../problem-text.ts';
import { requestWechatPay, type WechatPayOutcome } from '../wechat-pay.ts';
import { priceText } from './EventsPage.tsx';

type Phase = 'waiting' | 'opening' | 'confirming' | 'slow' | 'canceled' | 'failed';

const POLL_MS = 2000;
const POLLS = 15;

/**
 * A held seat priced in fen: pay with WeChat Pay (when this session may) or at the counter. After WeChat's sheet
 * closes with "ok" the seat is the member's only once WeChat Pay told the server, so the page asks again every
 * two seconds for half a minute, then says it is still confirming rather than guessing.
 */
export function TicketPayment({ registration: r, wechat, payment, when, reload }: { registration: Registration; wechat: boolean; payment?: WechatPayOutcome; when: (iso: string) => string; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>(payment === 'ok' ? 'confirming' : payment === 'cancel' ? 'canceled' : payment === 'fail' ? 'failed' : 'waiting');
  const price = priceText(t, 'fen', r.amount_fen);

  useEffect(() => {
    if (phase !== 'confirming') return;
    let polls = 0;
    const timer = setInterval(() => {
      polls += 1;
      void reload();
      if (polls >= POLLS) {
        clearInterval(timer);
        setPhase('slow');
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [phase, reload]);

  const pay = async () => {
    setPhase('opening');
    try {
      const opened = await api<Registration>(`/me/event-registrations/${r.id}/pay`, { method: 'POST', body: { provider: 'wechat' } });
      if (!opened.pay_params) throw new Error(t('events.payFailed'));
      const outcome = await requestWechatPay(opened.pay_params);
      setPhase(outcome === 'ok' ? 'confirming' : outcome === 'cancel' ? 'canceled' : 'failed');
    } catch (err) {
      setPhase('waiting');
      Toast.show({ content: problemText(t, err, 'events') });
      await reload();
    }
  };

  return (
    <div className="warning" style={{ marginTop: 8 }} data-testid="ticket-payment" data-phase={phase}>
      {phase === 'confirming' || phase === 'slow' ? (
        <div role="status">{phase === 'confirming' ? t('events.confirming') : t('events.confirmSlow')}</div>
      ) : (
        <div>{wechat ? t('events.payWechatHint', { price }) : t('events.payAtCounter', { price })}</div>
      )}
      {phase === 'canceled' && r.hold_expires_at && <div role="alert">{t('events.payCanceled', { date: when(r.hold_expires_at) })}</div>}
      {phase === 'failed' && <div role="alert">{t('events.payFailed')}</div>}
      {phase !== 'canceled' && r.hold_expires_at && <div>{t('events.holdUntil', { date: when(r.hold_expires_at) })}</div>}
      {wechat && phase !== 'confirming' && phase !== 'slow' && (
        <Button size="small" color="primary" style={{ marginTop: 8 }} loading={phase === 'opening'} onClick={() => void pay()} data-testid="ticket-pay-wechat">
          {t('events.payWechat', { price })}
        </Button>
      )}
      {phase === 'slow' && (
        <Button size="small" fill="none" color="primary" style={{ marginTop: 8 }} onClick={() => void reload()}>
          {t('events.refresh')}
        </Button>
      )}
      {wechat && <div className="muted" style={{ marginTop: 4 }}>{t('events.orCounter')}</div>}
    </div>
  );
}
