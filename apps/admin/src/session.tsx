import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { SessionInfo } from '@hearth/contracts/auth';
import { api, setUnauthenticatedHandler } from './api.ts';

interface SessionState {
  session: SessionInfo | null;
  loading: boolean;
  setSession(session: SessionInfo | null): void;
  logout(): Promise<void>;
  can(permission: string): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    setUnauthenticatedHandler(() => setSession(null));
    api<SessionInfo>('/auth/me')
      .then(setSession, () => setSession(null))
      .finally(() => setLoading(false));
  }, []);

  const logout = useCallback(async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    setSession(null);
  }, []);

  const can = useCallback((permission: string) => session?.permissions.includes(permission) ?? false, [session]);

  return <SessionContext.Provider value={{ session, loading, setSession, logout, can }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
