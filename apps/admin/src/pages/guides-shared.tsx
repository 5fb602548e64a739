import { useEffect, useState } from 'react';
import { Select } from 'antd';
import type { z } from 'zod';
import type { guideSchema } from '@hearth/contracts/guides';
import type { Store } from '@hearth/contracts/stores';
import { api, type Page } from '../api.ts';

export type Guide = z.infer<typeof guideSchema>;

/** The tenant's guides and stores by id, for names in the guide pages' tables and pickers. */
export function useGuideDirectory() {
  const [guides, setGuides] = useState<Guide[]>([]);
  const [stores, setStores] = useState<Store[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    void api<Page<Guide>>('/guides?limit=200').then((r) => setGuides(r.data), () => setGuides([]));
    void api<Page<Store>>('/stores?limit=200').then((r) => setStores(r.data), () => setStores([]));
  }, [version]);
  return {
    guides,
    stores,
    guideName: (id: string | null | undefined) => guides.find((g) => g.id === id)?.name ?? (id ? id.slice(0, 8) : '—'),
    storeName: (id: string | null | undefined) => stores.find((s) => s.id === id)?.name ?? (id ? id.slice(0, 8) : '—'),
    reload: () => setVersion((v) => v + 1),
  };
}

export function GuideSelect({ guides, value, onChange, allowClear, exclude, testId, placeholder }: { guides: Guide[]; value?: string | null; onChange?: (v: string | undefined) => void; allowClear?: boolean; exclude?: string; testId?: string; placeholder?: string }) {
  return (
    <Select
      data-testid={testId}
      allowClear={allowClear}
      placeholder={placeholder}
      style={{ minWidth: 180 }}
      value={value ?? undefined}
      onChange={onChange}
      options={guides.filter((g) => g.status === 'active' && g.id !== exclude).map((g) => ({ value: g.id, label: g.name || g.email }))}
    />
  );
}
