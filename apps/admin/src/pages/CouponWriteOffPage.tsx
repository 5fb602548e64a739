import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Result, Row, Select, Space, Statistic, Tag, Typography, type InputRef } from 'antd';
import { DeleteOutlined, PlusOutlined, ScanOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Cart, Coupon, CouponQuote, CouponTemplate } from '@hearth/contracts/coupons';
import type { Store } from '@hearth/contracts/stores';
import { api, type Page } from '../api.ts';
import { formatFen, formatTime, yuanToFen } from '../format.ts';
import { couponErrorText, couponStatusColor, describeValidity, describeValue, kindColor } from './coupon-text.ts';

const STORE_KEY = 'hearth.writeoff.store';
// A whole-order amount typed at the counter has no SKU; the quote only needs one for coupons scoped to
// products or categories, and those ask for the receipt's lines instead.
const ORDER_SKU = 'ORDER-TOTAL';
const unusable: Record<string, string> = { redeemed: 'COUPON_ALREADY_REDEEMED', expired: 'COUPON_EXPIRED', not_started: 'COUPON_NOT_STARTED', reserved: 'COUPON_RESERVED' };

interface CartForm {
  total_yuan?: string;
  shipping_yuan?: string;
  free_price_yuan?: string;
  receipt?: string;
  lines?: { sku?: string; qty?: number; price_yuan?: string }[];
}

/** 核销 at the counter: look a code up, quote it for the order, write it off once. */
export function CouponWriteOffPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<CartForm>();
  const [stores, setStores] = useState<Store[]>([]);
  const [storeId, setStoreId] = useState<string | undefined>(() => localStorage.getItem(STORE_KEY) ?? undefined);
  const [code, setCode] = useState('');
  const [found, setFound] = useState<{ quote: CouponQuote; template: CouponTemplate } | null>(null);
  const [cartQuote, setCartQuote] = useState<{ quote: CouponQuote; cart: Cart } | null>(null);
  const [done, setDone] = useState<{ coupon: Coupon; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One POS transaction per coupon looked up: a confirm retried after a timeout answers like the first.
  const transaction = useRef('');
  const codeInput = useRef<InputRef>(null);

  useEffect(() => {
    void api<Page<Store>>('/stores?limit=200&status=active').then((p) => setStores(p.data), () => undefined);
  }, []);

  const pickStore = (id: string | undefined) => {
    setStoreId(id);
    if (id) localStorage.setItem(STORE_KEY, id);
    else localStorage.removeItem(STORE_KEY);
    setCartQuote(null);
  };

  const reset = () => {
    setCode('');
    setFound(null);
    setCartQuote(null);
    setDone(null);
    setError(null);
    form.resetFields();
    codeInput.current?.focus();
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(couponErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const lookup = () =>
    run(async () => {
      setFound(null);
      setCartQuote(null);
      setDone(null);
      form.resetFields();
      const quote = await api<CouponQuote>('/coupons/verify', { method: 'POST', body: { code } });
      const template = await api<CouponTemplate>(`/coupon-templates/${quote.coupon.template_id}`);
      transaction.current = crypto.randomUUID();
      setFound({ quote, template });
      if (!quote.applicable && quote.reason) setError(reasonText(quote));
    });

  const reasonText = (quote: CouponQuote) => {
    const reason = quote.reason ?? '';
    if (unusable[reason]) return `${t(`coupons.errors.${unusable[reason]}`)}${quote.coupon.redeemed_at ? `（${formatTime(quote.coupon.redeemed_at)}）` : ''}`;
    return t('coupons.notApplicable', { reason: t(`coupons.reasons.${reason}`, { defaultValue: reason }) });
  };

  const quoteCart = () =>
    run(async () => {
      const cart = buildCart();
      if (!cart) return;
      const quote = await api<CouponQuote>('/coupons/verify', { method: 'POST', body: { code, cart } });
      setCartQuote({ quote, cart });
      if (!quote.applicable) setError(reasonText(quote));
    });

  const confirm = () =>
    run(async () => {
      if (!cartQuote) return;
      const receipt = form.getFieldValue('receipt') as string | undefined;
      const coupon = await api<Coupon>('/coupons/confirm', {
        method: 'POST',
        body: { code, cart: cartQuote.cart, pos_transaction_id: transaction.current, store_id: storeId ?? null, order_external_id: receipt?.trim() || null },
      });
      setDone({ coupon, total: cartTotal(cartQuote.cart) });
    });

  /** The order as the quote needs it, in fen; undefined (with the fields marked) when an amount is not a price. */
  function buildCart(): Cart | undefined {
    const terms = found!.template.terms;
    const v = form.getFieldsValue(true) as CartForm;
    const errors: { name: (string | number)[]; errors: string[] }[] = [];
    const fen = (name: (string | number)[], text: string | undefined, required: boolean) => {
      const value = text?.trim() ? yuanToFen(text) : required ? undefined : 0;
      if (value === undefined) errors.push({ name, errors: [t('coupons.badYuan')] });
      return value ?? 0;
    };
    const shipping = fen(['shipping_yuan'], v.shipping_yuan, false);
    let lines: Cart['lines'];
    if (terms.skus.length || terms.categories.length) {
      lines = (v.lines ?? []).map((l, i) => ({ sku: l.sku?.trim() ?? '', qty: l.qty ?? 1, unit_price_fen: fen(['lines', i, 'price_yuan'], l.price_yuan, true), discount_fen: 0 }));
      lines.forEach((l, i) => !l.sku && errors.push({ name: ['lines', i, 'sku'], errors: [t('coupons.required')] }));
    } else {
      const total = fen(['total_yuan'], v.total_yuan, true);
      lines = [{ sku: ORDER_SKU, qty: 1, unit_price_fen: total, discount_fen: 0 }];
      if (terms.kind === 'free_item') {
        const qty = terms.free_qty ?? 1;
        const price = fen(['free_price_yuan'], v.free_price_yuan, true);
        const rest = total - price * qty;
        if (rest < 0) errors.push({ name: ['free_price_yuan'], errors: [t('coupons.badYuan')] });
        lines = [{ sku: terms.free_sku!, qty, unit_price_fen: price, discount_fen: 0 }, ...(rest > 0 ? [{ sku: ORDER_SKU, qty: 1, unit_price_fen: rest, discount_fen: 0 }] : [])];
      }
    }
    form.setFields(errors as never);
    if (errors.length || !lines.length) return undefined;
    return { channel: 'store', store_id: storeId ?? null, lines, shipping_fen: shipping, member_discount_fen: 0, other_coupon_codes: [] };
  }

  const coupon = found?.quote.coupon;
  const terms = found?.template.terms;
  const scoped = !!terms && (terms.skus.length > 0 || terms.categories.length > 0);
  return (
    <Card title={t('coupons.writeOff')} data-testid="coupon-writeoff" style={{ maxWidth: 960 }}>
      <Typography.Paragraph type="secondary">{t('coupons.writeOffHint')}</Typography.Paragraph>
      <Form layout="vertical" component="div" style={{ maxWidth: 560 }}>
        <Form.Item label={t('coupons.store')}>
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('coupons.chooseStore')} value={storeId} onChange={pickStore} options={stores.map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))} />
        </Form.Item>
        <Form.Item label={t('coupons.codeLabel')} style={{ marginBottom: 0 }}>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              ref={codeInput}
              size="large"
              autoFocus
              prefix={<ScanOutlined />}
              placeholder={t('coupons.codePlaceholder')}
              value={code}
              onChange={(e) => setCode(groupCode(e.target.value))}
              onPressEnter={() => code && void lookup()}
              style={{ fontFamily: 'monospace', letterSpacing: 1 }}
              data-testid="writeoff-code"
            />
            <Button size="large" type="primary" loading={busy && !found} disabled={!code} onClick={lookup} data-testid="writeoff-lookup">
              {t('coupons.lookup')}
            </Button>
          </Space.Compact>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} data-testid="writeoff-error" />}
      {done ? (
        <div data-testid="writeoff-done">
        <Result
          status="success"
          title={t('coupons.confirmed')}
          subTitle={t('coupons.confirmedDetail', { name: done.coupon.template_name, discount: formatFen(done.coupon.discount_fen ?? 0) })}
          extra={
            <Space orientation="vertical" align="center">
              <Statistic title={t('coupons.toPay')} value={formatFen(done.total - (done.coupon.discount_fen ?? 0))} />
              <Button type="primary" onClick={reset} data-testid="writeoff-next">
                {t('coupons.next')}
              </Button>
            </Space>
          }
        />
        </div>
      ) : (
        coupon &&
        terms && (
          <>
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginTop: 16 }} data-testid="writeoff-coupon">
              <Descriptions.Item label={t('coupons.template')}>
                <Space>
                  <Typography.Text strong>{coupon.template_name}</Typography.Text>
                  <Tag color={kindColor[coupon.kind]}>{t(`coupons.kinds.${coupon.kind}`)}</Tag>
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('common.status')}>
                <Tag color={couponStatusColor[coupon.status]}>{t(`coupons.couponStatus.${coupon.status}`)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('coupons.code')}>
                <Typography.Text code>{coupon.code}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('coupons.validPeriod')}>{`${formatTime(coupon.starts_at)} ~ ${formatTime(coupon.expires_at)}`}</Descriptions.Item>
              <Descriptions.Item label={t('coupons.value')} span={2}>
                {`${describeValue(t, terms)} · ${describeValidity(t, terms)}`}
              </Descriptions.Item>
              {coupon.redeemed_at && <Descriptions.Item label={t('coupons.redeemedAt')}>{formatTime(coupon.redeemed_at)}</Descriptions.Item>}
            </Descriptions>
            {found.quote.applicable && (
              <Form form={form} layout="vertical" style={{ marginTop: 16 }} onValuesChange={() => setCartQuote(null)} initialValues={{ lines: [{ qty: 1 }] }}>
                {scoped ? (
                  <CartLines />
                ) : (
                  <Row gutter={16}>
                    <Col xs={24} md={8}>
                      <Form.Item name="total_yuan" label={t('coupons.cartTotal')} required>
                        <Input prefix="¥" size="large" placeholder="0.00" data-testid="writeoff-total" />
                      </Form.Item>
                    </Col>
                    {terms.kind === 'free_item' && (
                      <Col xs={24} md={8}>
                        <Form.Item name="free_price_yuan" label={`${t('coupons.freeItemPrice')}（${terms.free_sku}）`} required>
                          <Input prefix="¥" size="large" placeholder="0.00" />
                        </Form.Item>
                      </Col>
                    )}
                  </Row>
                )}
                <Row gutter={16}>
                  {terms.kind === 'free_shipping' && (
                    <Col xs={24} md={8}>
                      <Form.Item name="shipping_yuan" label={t('coupons.shipping')}>
                        <Input prefix="¥" placeholder="0.00" />
                      </Form.Item>
                    </Col>
                  )}
                  <Col xs={24} md={8}>
                    <Form.Item name="receipt" label={t('coupons.receipt')}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                </Row>
                <Space align="center" size="large" wrap>
                  <Button onClick={quoteCart} loading={busy && !cartQuote} data-testid="writeoff-quote">
                    {t('coupons.quote')}
                  </Button>
                  {cartQuote?.quote.applicable && (
                    <>
                      <div data-testid="writeoff-discount">
                        <Statistic title={t('coupons.quoteResult')} value={formatFen(cartQuote.quote.discount_fen)} />
                      </div>
                      <Statistic title={t('coupons.eligible')} value={formatFen(cartQuote.quote.eligible_fen)} />
                      <Statistic title={t('coupons.toPay')} value={formatFen(cartTotal(cartQuote.cart) - cartQuote.quote.discount_fen)} />
                      <Button type="primary" size="large" loading={busy} onClick={confirm} data-testid="writeoff-confirm">
                        {t('coupons.confirm')}
                      </Button>
                    </>
                  )}
                </Space>
              </Form>
            )}
          </>
        )
      )}
    </Card>
  );
}

function CartLines() {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Paragraph type="secondary">{t('coupons.linesHint')}</Typography.Paragraph>
      <Form.List name="lines">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Space key={field.key} align="baseline">
                <Form.Item name={[field.name, 'sku']} label={field.name === 0 ? t('coupons.sku') : undefined}>
                  <Input style={{ width: 200 }} />
                </Form.Item>
                <Form.Item name={[field.name, 'qty']} label={field.name === 0 ? t('coupons.qty') : undefined}>
                  <InputNumber min={1} max={100_000} precision={0} style={{ width: 90 }} />
                </Form.Item>
                <Form.Item name={[field.name, 'price_yuan']} label={field.name === 0 ? t('coupons.unitPrice') : undefined}>
                  <Input prefix="¥" style={{ width: 140 }} />
                </Form.Item>
                {fields.length > 1 && <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} />}
              </Space>
            ))}
            <Form.Item>
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ qty: 1 })}>
                {t('coupons.addLine')}
              </Button>
            </Form.Item>
          </>
        )}
      </Form.List>
    </>
  );
}

/** What was typed, pasted or scanned, shown as the member sees it (K7QM2-9XHTR-4PW8Z); the server forgives the rest (I/L/O). */
function groupCode(input: string): string {
  const symbols = input.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 15);
  return symbols.match(/.{1,5}/g)?.join('-') ?? '';
}

function cartTotal(cart: Cart): number {
  return cart.lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen - l.discount_fen, 0) + cart.shipping_fen;
}
