import { useState } from 'react';
import { Button, Tag, Toast } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { MyPartnerBenefit } from '@hearth/contracts/partners';
import { api } from '../api.ts';
import { problemText } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

/**
 * 联盟权益: what partner brands give this member (a video membership code, a car-wash voucher …). Claiming takes this
 * period's code and shows it in full, to copy into the partner's app; a benefit the partner delivers itself says
 * how that went. Shown only when the brand offers the member any.
 */
export function PartnerBenefits() {
  const { t } = useTranslation();
  const list = useLoad<MyPartnerBenefit[]>('/me/partner-benefits');
  const [claiming, setClaiming] = useState<string>();
  if (!list.data?.length) return null;

  const claim = async (id: string) => {
    setClaiming(id);
    try {
      await api(`/me/partner-benefits/${id}/claim`, { method: 'POST' });
      await list.reload();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'partners') });
      await list.reload();
    } finally {
      setClaiming(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby="partner-benefits" data-testid="partner-benefits">
      <h2 id="partner-benefits">{t('partners.title')}</h2>
      {list.data.map((b) => (
        <div key={b.id} data-testid="partner-benefit" style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
            <div>
              <div>{b.name}</div>
              <div className="muted">
                {b.partner_name} · {t(`partners.periods.${b.period}`)}
              </div>
            </div>
            {!b.allocation &&
              (b.in_stock ? (
                <Button size="small" color="primary" loading={claiming === b.id} onClick={() => void claim(b.id)} data-testid="partner-claim">
                  {t('partners.claim')}
                </Button>
              ) : (
                <Tag color="default">{t('partners.soldOut')}</Tag>
              ))}
          </div>
          {b.description && <div className="muted" style={{ marginTop: 4 }}>{b.description}</div>}
          {b.allocation?.code && (
            <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 6 }}>
              <span className="code-text" data-testid="partner-code">{b.allocation.code}</span>
              <Button size="mini" fill="outline" onClick={() => void navigator.clipboard?.writeText(b.allocation!.code!).then(() => Toast.show({ content: t('partners.copied') }), () => undefined)}>
                {t('partners.copy')}
              </Button>
            </div>
          )}
          {b.allocation && !b.allocation.code && <div className="muted" style={{ marginTop: 6 }} data-testid="partner-status">{t(`partners.status.${b.allocation.status}`)}</div>}
        </div>
      ))}
    </section>
  );
}
