import { Button, Card, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { tierMetrics, type TierCondition, type TierGroup, type TierInnerGroup, type TierRules, type TierWindow } from '@hearth/contracts/tiers';
import { yuanToFen } from '../format.ts';

type Item = TierGroup['items'][number];
const newCondition = (): TierCondition => ({ metric: 'spend_fen', op: 'gte', value: 100_000, window: { kind: 'calendar_year' } });
const newGroup = (): TierGroup => ({ op: 'all', items: [newCondition()] });

/**
 * Edits a draft rule set: per tier above the entry tier, a qualification group and an optional retention
 * group, each ALL/ANY of conditions or of one level of inner groups (what the server accepts).
 */
export function TierRuleBuilder({ tiers, rules, onChange, disabled }: { tiers: { code: string; name: string; color: string }[]; rules: TierRules; onChange(rules: TierRules): void; disabled?: boolean }) {
  const { t } = useTranslation();
  const ruleOf = (code: string) => rules.tiers.find((r) => r.code === code) ?? { code, qualify: newGroup(), retain: null };
  const setRule = (code: string, patch: Partial<TierRules['tiers'][number]>) => {
    const next = tiers.slice(1).map((tier) => (tier.code === code ? { ...ruleOf(code), ...patch } : ruleOf(tier.code)));
    onChange({ tiers: next });
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {tiers.slice(1).map((tier) => {
        const rule = ruleOf(tier.code);
        return (
          <Card key={tier.code} size="small" title={<Typography.Text strong style={{ color: tier.color }}>{tier.name}</Typography.Text>} data-testid={`tier-rule-${tier.code}`}>
            <Typography.Text type="secondary">{t('tiers.qualify')}</Typography.Text>
            <GroupEditor group={rule.qualify} onChange={(qualify) => setRule(tier.code, { qualify })} depth={0} disabled={disabled} />
            <div style={{ marginTop: 8 }}>
              {rule.retain ? (
                <>
                  <Space>
                    <Typography.Text type="secondary">{t('tiers.retain')}</Typography.Text>
                    <Button size="small" type="link" danger disabled={disabled} onClick={() => setRule(tier.code, { retain: null })}>
                      {t('tiers.removeRetain')}
                    </Button>
                  </Space>
                  <GroupEditor group={rule.retain} onChange={(retain) => setRule(tier.code, { retain })} depth={0} disabled={disabled} />
                </>
              ) : (
                <Button size="small" type="dashed" icon={<PlusOutlined />} disabled={disabled} onClick={() => setRule(tier.code, { retain: { op: 'all', items: [{ ...newCondition(), value: 50_000, window: { kind: 'rolling_months', months: 12 } }] } })}>
                  {t('tiers.addRetain')}
                </Button>
              )}
            </div>
          </Card>
        );
      })}
    </Space>
  );
}

function GroupEditor<G extends TierGroup | TierInnerGroup>({ group, onChange, depth, disabled }: { group: G; onChange(group: G): void; depth: number; disabled?: boolean }) {
  const { t } = useTranslation();
  const items = group.items as Item[];
  const setItems = (next: Item[]) => onChange({ ...group, items: next } as G);
  return (
    <div style={{ borderLeft: '3px solid #f0f0f0', paddingLeft: 12, margin: '6px 0' }}>
      <Radio.Group size="small" value={group.op} disabled={disabled} onChange={(e) => onChange({ ...group, op: e.target.value })} optionType="button" options={[{ value: 'all', label: t('tiers.all') }, { value: 'any', label: t('tiers.any') }]} />
      {items.map((item, i) => (
        <Space key={i} align="start" style={{ display: 'flex', marginTop: 6 }}>
          {'metric' in item ? (
            <ConditionEditor condition={item} disabled={disabled} onChange={(c) => setItems(items.map((x, k) => (k === i ? c : x)))} />
          ) : (
            <GroupEditor group={item} depth={depth + 1} disabled={disabled} onChange={(g) => setItems(items.map((x, k) => (k === i ? g : x)))} />
          )}
          {items.length > 1 && <Button type="text" icon={<MinusCircleOutlined />} disabled={disabled} onClick={() => setItems(items.filter((_, k) => k !== i))} aria-label={t('common.delete')} />}
        </Space>
      ))}
      <Space style={{ marginTop: 6 }}>
        <Button size="small" type="dashed" icon={<PlusOutlined />} disabled={disabled} onClick={() => setItems([...items, newCondition()])}>
          {t('tiers.addCondition')}
        </Button>
        {depth === 0 && (
          <Button size="small" type="dashed" icon={<PlusOutlined />} disabled={disabled} onClick={() => setItems([...items, { op: 'all', items: [newCondition()] }])}>
            {t('tiers.addGroup')}
          </Button>
        )}
      </Space>
    </div>
  );
}

function ConditionEditor({ condition, onChange, disabled }: { condition: TierCondition; onChange(c: TierCondition): void; disabled?: boolean }) {
  const { t } = useTranslation();
  const money = condition.metric === 'spend_fen';
  const setWindow = (window: TierWindow) => onChange({ ...condition, window });
  return (
    <Space wrap size={4}>
      <Select
        size="small"
        style={{ width: 200 }}
        value={condition.metric}
        disabled={disabled}
        onChange={(metric) => onChange({ ...condition, metric, op: metric === 'days_since_last_purchase' ? 'lte' : 'gte' })}
        options={tierMetrics.map((m) => ({ value: m, label: t(`tiers.metrics.${m}`) }))}
      />
      <Select size="small" style={{ width: 60 }} value={condition.op} disabled={disabled} onChange={(op) => onChange({ ...condition, op })} options={[{ value: 'gte', label: '≥' }, { value: 'lte', label: '≤' }]} />
      {money ? (
        <InputNumber<string>
          size="small"
          stringMode
          prefix="¥"
          min="0"
          precision={2}
          disabled={disabled}
          style={{ width: 140 }}
          value={(condition.value / 100).toFixed(2)}
          onChange={(v) => onChange({ ...condition, value: yuanToFen(v ?? '0') ?? 0 })}
        />
      ) : (
        <InputNumber size="small" min={0} precision={0} disabled={disabled} style={{ width: 100 }} value={condition.value} onChange={(v) => onChange({ ...condition, value: v ?? 0 })} />
      )}
      <Select
        size="small"
        style={{ width: 120 }}
        value={condition.window.kind}
        disabled={disabled}
        onChange={(kind) => setWindow(kind === 'rolling_months' ? { kind, months: 12 } : { kind })}
        options={(['calendar_year', 'anniversary_year', 'rolling_months'] as const).map((k) => ({ value: k, label: t(`tiers.windows.${k}`) }))}
      />
      {condition.window.kind === 'rolling_months' && (
        <InputNumber size="small" min={1} max={60} precision={0} disabled={disabled} style={{ width: 90 }} addonAfter={t('tiers.months')} value={condition.window.months} onChange={(months) => setWindow({ kind: 'rolling_months', months: months ?? 12 })} />
      )}
    </Space>
  );
}
