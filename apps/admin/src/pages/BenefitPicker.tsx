import { useEffect, useState, type CSSProperties } from 'react';
import { Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Benefit } from '@hearth/contracts/benefits';
import { api } from '../api.ts';

// One request per page load however many pickers a form shows (a ladder has one per tier).
let catalogue: Promise<Benefit[]> | null = null;
export function loadBenefitCatalogue(refresh = false): Promise<Benefit[]> {
  if (!catalogue || refresh) catalogue = api<{ data: Benefit[] }>('/benefits').then((r) => r.data, (e: unknown) => ((catalogue = null), Promise.reject(e)));
  return catalogue;
}

/**
 * Picks catalogue benefits by id, as tiers and paid plans refer to them (`benefit_ids`). Works as an Ant Design
 * form control (value / onChange). Paused benefits are shown, marked, so a saved reference never disappears.
 */
export function BenefitPicker({ value, onChange, disabled, style, placeholder }: { value?: string[]; onChange?: (ids: string[]) => void; disabled?: boolean; style?: CSSProperties; placeholder?: string }) {
  const { t, i18n } = useTranslation();
  const [benefits, setBenefits] = useState<Benefit[] | null>(null);
  useEffect(() => void loadBenefitCatalogue().then(setBenefits, () => setBenefits([])), []);
  const english = i18n.language.startsWith('en');
  return (
    <Select
      mode="multiple"
      allowClear
      disabled={disabled}
      loading={!benefits}
      style={style ?? { minWidth: 240 }}
      placeholder={placeholder ?? t('benefits.pick')}
      value={value ?? []}
      onChange={(ids: string[]) => onChange?.(ids)}
      optionFilterProp="search"
      maxTagCount="responsive"
      options={(benefits ?? []).map((b) => {
        const name = english && b.name_en ? b.name_en : b.name;
        return { value: b.id, label: name, search: `${b.name} ${b.name_en ?? ''} ${b.code}`, code: b.code, type: b.type, paused: b.status === 'paused' };
      })}
      optionRender={(option) => (
        <span>
          {option.label} <Typography.Text type="secondary">{option.data.code}</Typography.Text> <Tag style={{ marginInlineStart: 4 }}>{t(`benefits.types.${option.data.type}`)}</Tag>
          {option.data.paused && <Tag color="default">{t('benefits.statuses.paused')}</Tag>}
        </span>
      )}
    />
  );
}
