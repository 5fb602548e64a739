import { useEffect, useRef, useState } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Member } from '@hearth/contracts/members';
import { api, type Page } from '../api.ts';

/**
 * Picks a member by what the operator has at hand: an 11-digit mobile number, a member number (M00000021, or its
 * digits) or the start of the name. Options show name, masked phone and number; the value is the member's id.
 */
export function MemberSearchSelect({ value, onChange, style }: { value?: string; onChange?: (id: string | undefined) => void; style?: React.CSSProperties }) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [searching, setSearching] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef('');
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (typed: string) => {
    const text = typed.trim();
    latest.current = text;
    clearTimeout(timer.current);
    if (!text) return setOptions([]);
    timer.current = setTimeout(() => {
      setSearching(true);
      void api<Page<Member>>(`/members?limit=20&${queryFor(text)}`)
        .then((page) => latest.current === text && setOptions(page.data.map((m) => ({ value: m.id, label: labelOf(m) }))), () => setOptions([]))
        .finally(() => setSearching(false));
    }, 300);
  };

  return (
    <Select
      showSearch
      allowClear
      filterOption={false}
      value={value}
      onChange={(id?: string) => onChange?.(id)}
      onSearch={search}
      loading={searching}
      options={options}
      placeholder={t('members.pickMember')}
      notFoundContent={null}
      style={style}
      data-testid="member-search"
    />
  );
}

function queryFor(text: string): string {
  if (/^1\d{10}$/.test(text)) return `phone=${text}`;
  if (/^m?\d+$/i.test(text)) return `member_no=${encodeURIComponent(text.toUpperCase().startsWith('M') ? text.toUpperCase() : `M${text.padStart(8, '0')}`)}`;
  return `name_prefix=${encodeURIComponent(text)}`;
}

const labelOf = (m: Member) => [m.name ?? m.nickname ?? '—', m.phone, m.member_no].filter(Boolean).join(' · ');
