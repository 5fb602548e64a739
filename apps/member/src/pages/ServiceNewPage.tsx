import { useState } from 'react';
import { Button, Input, NavBar, Selector, Stepper, TextArea, Toast } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { serviceTypes } from '@hearth/contracts/service';
import type { Order } from '@hearth/contracts/orders';
import { api, fen } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';
import { urlLines, type Ticket } from './ServicePages.tsx';

type ServiceType = (typeof serviceTypes)[number];

/**
 * A new request: its type, what it is about (lines of one of my orders, or a product code I checked — the scan
 * page links here with `?code=`), a summary, details and links to photos.
 */
export function ServiceNewPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const [params] = useSearchParams();
  const [type, setType] = useState<ServiceType>(params.get('code') ? 'warranty' : 'return');
  const [orderId, setOrderId] = useState<string>();
  const [qty, setQty] = useState<Record<number, number>>({});
  const [code, setCode] = useState(params.get('code') ?? '');
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [urls, setUrls] = useState('');
  const [busy, setBusy] = useState(false);
  const orders = useLoad<{ data: Order[] }>('/me/orders?limit=20');
  const order = orders.data?.data.find((o) => o.id === orderId);
  const needsLines = type === 'return' || type === 'exchange';

  async function submit() {
    const lines = Object.entries(qty).filter(([, n]) => n > 0).map(([line_no, n]) => ({ line_no: Number(line_no), qty: n }));
    if (needsLines && (!orderId || !lines.length)) {
      Toast.show({ content: t('service.needLines') });
      return;
    }
    setBusy(true);
    try {
      const ticket = await api<Ticket>('/me/service-tickets', {
        method: 'POST',
        body: { type, ...(orderId && { order_id: orderId }), ...(lines.length && { lines }), ...(code.trim() && { code: code.trim() }), subject, description, attachments: urlLines(urls) },
      });
      Toast.show({ icon: 'success', content: t('service.submitted') });
      navigate(`/service/${ticket.id}`, { replace: true });
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'service') });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <NavBar onBack={() => navigate('/service')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('service.new')}</h1>
      </NavBar>
      <div className="page-body">
        {orders.error}
        <section className="card">
          <span className="field-label">{t('service.typeLabel')}</span>
          <Selector columns={3} value={[type]} onChange={(v) => v[0] && setType(v[0])} options={serviceTypes.map((value) => ({ value, label: t(`service.type.${value}`) }))} data-testid="service-type" />

          <span className="field-label">{t('service.order')}</span>
          <Selector
            columns={1}
            value={orderId ? [orderId] : []}
            onChange={(v) => {
              setOrderId(v[0]);
              setQty({});
            }}
            options={(orders.data?.data ?? []).map((o) => ({ value: o.id, label: t('service.orderOption', { date: date(o.occurred_at), total: fen(o.total_paid_fen) }), description: o.lines.map((l) => `${l.sku} × ${l.qty}`).join('，') }))}
          />
          {order && (
            <>
              <span className="field-label">{t('service.lines')}</span>
              {order.lines.map((l) => (
                <div key={l.line_no} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '4px 0' }}>
                  <span>{t('service.line', { sku: l.sku, qty: l.qty, price: fen(l.unit_price_fen) })}</span>
                  <Stepper min={0} max={l.qty - l.refunded_qty} value={qty[l.line_no] ?? 0} onChange={(n) => setQty((q) => ({ ...q, [l.line_no]: n }))} aria-label={l.sku} />
                </div>
              ))}
            </>
          )}

          <label className="field-label" htmlFor="service-code">{t('service.code')}</label>
          <Input id="service-code" value={code} onChange={setCode} placeholder={t('service.codePlaceholder')} maxLength={40} />
          <label className="field-label" htmlFor="service-subject">{t('service.subject')}</label>
          <Input id="service-subject" value={subject} onChange={setSubject} maxLength={120} data-testid="service-subject" />
          <label className="field-label" htmlFor="service-description">{t('service.description')}</label>
          <TextArea id="service-description" value={description} onChange={setDescription} maxLength={2000} autoSize={{ minRows: 3 }} data-testid="service-description" />
          <label className="field-label" htmlFor="service-attachments">{t('service.attachments')}</label>
          <TextArea id="service-attachments" value={urls} onChange={setUrls} autoSize={{ minRows: 2 }} />
          <Button block color="primary" loading={busy} disabled={!subject.trim()} onClick={submit} style={{ marginTop: 12 }} data-testid="service-submit">{t('service.submit')}</Button>
        </section>
      </div>
    </main>
  );
}
