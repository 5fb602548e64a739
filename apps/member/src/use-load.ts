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
