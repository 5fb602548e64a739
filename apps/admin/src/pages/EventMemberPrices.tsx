import { Button, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { HearthEvent } from '@hearth/contracts/events';
import { yuanToFen } from '../format.ts';
import { useAudiences } from './scarce-shared.tsx';

/** A row of the editor: the audience as "tier:<id>" / "plan:<id>", the price typed in ¥ or in points. */
export interface MemberPriceRow {
  audience?: string;
  yuan?: string;
  points?: number;
}

/**
 * Member prices of an event, per tier (any ladder) or paid plan, in the event's unit. A member pays the lowest
 * price of an audience they belong to, or the list price when it is lower (the server's `priceFor`).
 */
export function EventMemberPrices({ kind }: { kind: 'fen' | 'points' }) {
  const { t } = useTranslation();
  const { tiers, plans } = useAudiences();
  const options = [
    { label: t('events.field.tiers'), options: tiers.map((x) => ({ value: `tier:${x.id}`, label: x.name })) },
    { label: t('events.field.plans'), options: plans.map((x) => ({ value: `plan:${x.id}`, label: x.name })) },
  ];
  return (
    <>
      <Typography.Text strong>{t('events.field.memberPrices')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('events.field.memberPricesHint')}</Typography.Paragraph>
      <Form.List name="member_prices">
        {(fields, { add, remove }) => (
          <div data-testid="event-member-prices">
            {fields.map((f) => (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item
                  name={[f.name, 'audience']}
                  rules={[
                    { required: true, message: t('events.field.pickAudience') },
                    ({ getFieldValue }) => ({
                      validator: (_, value?: string) => ((getFieldValue('member_prices') as MemberPriceRow[]).filter((r) => r?.audience === value).length > 1 ? Promise.reject(new Error(t('events.field.audienceTwice'))) : Promise.resolve()),
                    }),
                  ]}
                >
                  <Select style={{ width: 240 }} showSearch optionFilterProp="label" placeholder={t('events.field.pickAudience')} options={options} />
                </Form.Item>
                {kind === 'fen' ? (
                  <Form.Item name={[f.name, 'yuan']} rules={[{ required: true, message: t('coupons.badYuan') }, { validator: (_, v?: string) => (v === undefined || v === '' || yuanToFen(v) !== undefined ? Promise.resolve() : Promise.reject(new Error(t('coupons.badYuan')))) }]}>
                    <Input prefix="¥" style={{ width: 140 }} placeholder="0.00" />
                  </Form.Item>
                ) : (
                  <Form.Item name={[f.name, 'points']} rules={[{ required: true }]}>
                    <InputNumber min={0} precision={0} suffix={t('events.field.points')} style={{ width: 140 }} />
                  </Form.Item>
                )}
                <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} data-testid="event-add-member-price">{t('events.field.addMemberPrice')}</Button>
          </div>
        )}
      </Form.List>
    </>
  );
}

/** The event's member prices as editor rows. */
export function memberPriceRows(e: HearthEvent): MemberPriceRow[] {
  return e.price.member_prices.map((p) => ({ audience: `${p.audience}:${p.audience_id}`, yuan: e.price.kind === 'fen' ? (p.price / 100).toFixed(2) : undefined, points: e.price.kind === 'points' ? p.price : undefined }));
}

/** Editor rows as the API's member prices, in fen or points; undefined when a ¥ amount is not a price. */
export function memberPricesInput(kind: 'fen' | 'points', rows: MemberPriceRow[] | undefined) {
  const prices = [];
  for (const row of rows ?? []) {
    const [audience, id] = (row.audience ?? '').split(':');
    const price = kind === 'fen' ? yuanToFen(row.yuan ?? '') : row.points;
    if ((audience !== 'tier' && audience !== 'plan') || !id || price === undefined) return undefined;
    prices.push({ audience: audience as 'tier' | 'plan', audience_id: id, price });
  }
  return prices;
}
