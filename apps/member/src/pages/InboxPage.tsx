import { useEffect } from 'react';
import { List, NavBar } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { formatInZone } from '../dates.ts';

interface InboxMessage {
  id: string;
  title: string;
  body: string;
  link: string | null;
  read_at: string | null;
  created_at: string;
}

/** The in-app messages the brand sent (messaging's inbox channel); opening the page reads them. */
export function InboxPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const inbox = useLoad<{ data: InboxMessage[]; unread: number }>('/me/inbox?limit=50');
  const unread = inbox.data?.data.filter((m) => !m.read_at).map((m) => m.id) ?? [];
  useEffect(() => {
    if (unread.length) void api('/me/inbox/read', { method: 'POST', body: { ids: unread } });
  }, [unread.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('inbox.title')}</h1>
      </NavBar>
      <div className="page-body">
        {inbox.error}
        {inbox.data?.data.length === 0 && <div className="card muted" style={{ textAlign: 'center' }}>{t('inbox.empty')}</div>}
        {inbox.data && inbox.data.data.length > 0 && (
          <List mode="card" style={{ margin: 0 }}>
            {inbox.data.data.map((m) => (
              <List.Item key={m.id} description={<span style={{ whiteSpace: 'pre-wrap' }}>{m.body}</span>} extra={formatInZone(m.created_at, { year: 'numeric', month: 'numeric', day: 'numeric' })} onClick={m.link ? () => (window.location.href = m.link!) : undefined}>
                <span style={{ fontWeight: m.read_at ? 400 : 600 }}>{m.title}</span>
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </main>
  );
}
