import { useCallback, useEffect, useState } from 'react';
import { App } from 'antd';
import { api, query, type Page } from './api.ts';

/** A list endpoint read page by page with its cursor; reloads from the start when the filters change. */
export function useCursorList<T>(path: string, filters: Record<string, string | undefined>, pageSize = 20) {
  const { message } = App.useApp();
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const filterKey = JSON.stringify(filters);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      try {
        const page = await api<Page<T>>(`${path}${query({ ...filters, limit: pageSize, cursor: from })}`);
        setRows((previous) => (from ? [...previous, ...page.data] : page.data));
        setCursor(page.next_cursor);
      } catch (error) {
        message.error((error as Error).message);
      } finally {
        setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [path, filterKey, pageSize],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return { rows, loading, hasMore: cursor !== null, loadMore: () => load(cursor), reload: () => load(null) };
}
