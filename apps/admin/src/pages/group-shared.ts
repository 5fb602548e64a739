import { useCallback, useEffect, useState } from 'react';
import { App, type FormInstance } from 'antd';
import type { Group, Pool } from '@hearth/contracts/groups';
import { ApiError, api, type Page } from '../api.ts';

export type PoolRow = Pool;

/** The brand's routing pools (tens at most), shared by the group pages. */
export function usePools() {
  const { message } = App.useApp();
  const [pools, setPools] = useState<Pool[]>([]);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(() => {
    setLoading(true);
    void api<{ data: Pool[] }>('/group-pools').then((r) => setPools(r.data), (e: Error) => message.error(e.message)).finally(() => setLoading(false));
  }, [message]);
  useEffect(reload, [reload]);
  return { pools, loading, reload };
}

/** Groups for pickers (a brand has hundreds, not tens of thousands): the first 1,000, newest first. */
export function useGroupOptions() {
  const [groups, setGroups] = useState<Group[]>([]);
  useEffect(() => {
    void (async () => {
      const all: Group[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Group> = await api<Page<Group>>(`/groups?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        all.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor && all.length < 1000);
      setGroups(all);
    })().catch(() => undefined);
  }, []);
  return groups;
}

/** Puts the server's field errors (400 problem+json) on the form's items; the message says the rest. */
export function applyFieldErrors(form: FormInstance, error: unknown) {
  if (error instanceof ApiError) form.setFields(Object.entries(error.fieldErrors).map(([name, text]) => ({ name: name.replace(/^body\./, '').split('.')[0]!, errors: [text] })));
}
