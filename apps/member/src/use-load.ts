import { createElement, useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api.ts';

/** Loads a GET endpoint; `error` is a ready-made block to show, `reload` fetches again. */
export function useLoad<T>(path: string | null): { data: T | undefined; error: ReactNode; loading: boolean; reload: () => Promise<void> } {
  const { t } = useTranslation();
  const [data, setData] = useState<T>();
  const [failure, setFailure] = useState<string>();
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    if (!path) return;
    setLoading(true);
    try {
      setData(await api<T>(path));
      setFailure(undefined);
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const error = failure ? createElement('div', { role: 'alert', className: 'card warning' }, t('common.error', { message: failure })) : null;
  return { data, error, loading, reload };
}

/**
 * A cursor-paged list endpoint (`{ data, next_cursor }`): the first page on mount, then `loadMore` appends the next
 * while `hasMore`; `reload` starts over.
 */
export function usePagedLoad<T>(path: string, pageSize = 20) {
  const separator = path.includes('?') ? '&' : '?';
  const first = useLoad<{ data: T[]; next_cursor: string | null }>(`${path}${separator}limit=${pageSize}`);
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);
  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const page = await api<{ data: T[]; next_cursor: string | null }>(`${path}${separator}limit=${pageSize}&cursor=${encodeURIComponent(cursor)}`);
    setMore((items) => [...items, ...page.data]);
    setCursor(page.next_cursor);
  }, [cursor, path, separator, pageSize]);
  return { items: first.data ? [...first.data.data, ...more] : undefined, error: first.error, hasMore: cursor !== null, loadMore, reload: first.reload };
}
