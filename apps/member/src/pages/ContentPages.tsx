import { useEffect, useState } from 'react';
import { Button, NavBar, Tag, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MyContent } from '@hearth/contracts/content';
import { api, fen } from '../api.ts';
import { renderMarkdown } from '../markdown.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad, usePagedLoad } from '../use-load.ts';

/** 精选内容: what the brand publishes for this member now, newest first. */
export function ContentListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const list = usePagedLoad<MyContent>('/me/content');
  const items = list.items ?? [];
  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('content.title')}</h1>
      </NavBar>
      <div className="page-body">
        {list.error}
        {list.items && !items.length && <div className="card muted">{t('content.none')}</div>}
        {items.map((c) => (
          <button key={c.id} type="button" className="card" style={{ display: 'flex', gap: 12, width: '100%', textAlign: 'left', marginBottom: 12 }} onClick={() => navigate(`/content/${c.id}`)} data-testid="content-item">
            {c.cover_url && <img src={c.cover_url} alt="" loading="lazy" style={{ width: 96, height: 72, objectFit: 'cover', borderRadius: 8, flexShrink: 0 }} />}
            <span style={{ flex: 1, minWidth: 0 }}>
              <strong style={{ display: 'block', marginBottom: 4 }}>{c.title}</strong>
              {c.summary && <span className="muted" style={{ display: 'block', fontSize: 13 }}>{c.summary}</span>}
              <span style={{ display: 'flex', gap: 4, marginTop: 6, alignItems: 'center' }}>
                <Tag color="primary" fill="outline">{t(`content.kinds.${c.kind}`)}</Tag>
                <span className="muted" style={{ fontSize: 12 }}>{date(c.published_at)}</span>
              </span>
            </span>
          </button>
        ))}
        {list.hasMore && <Button block onClick={() => void list.loadMore()}>{t('content.more')}</Button>}
      </div>
    </main>
  );
}

/** One item: recorded as viewed when opened (the server counts a member once a day), with a share button. */
export function ContentDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const item = useLoad<MyContent>(`/me/content/${id}`);
  useEffect(() => {
    if (item.data) void api(`/me/content/${id}/views`, { method: 'POST' }).catch(() => undefined);
  }, [id, item.data]);

  async function share() {
    const link = window.location.href;
    try {
      await api(`/me/content/${id}/shares`, { method: 'POST', body: { channel: typeof navigator.share === 'function' ? 'wechat' : 'link' } });
    } catch (err) {
      Toast.show({ content: problemText(t, err) });
      return;
    }
    // The system share sheet where there is one (WeChat's browser, phones); else the link goes to the clipboard.
    if (typeof navigator.share === 'function') {
      await navigator.share({ title: item.data?.title, url: link }).catch(() => undefined);
      return;
    }
    const copied = await navigator.clipboard?.writeText(link).then(() => true, () => false);
    Toast.show({ content: copied ? t('content.shared') : t('content.sharedLink', { link }) });
  }

  const c = item.data;
  return (
    <main>
      <NavBar onBack={() => navigate('/content')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('content.title')}</h1>
      </NavBar>
      <div className="page-body">
        {item.error}
        {c && (
          <article className="card" data-testid="content-detail">
            {c.cover_url && <img src={c.cover_url} alt="" style={{ width: '100%', borderRadius: 8, marginBottom: 12 }} />}
            <h2 style={{ margin: '0 0 8px' }}>{c.title}</h2>
            <div style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginBottom: 8 }}>
              <Tag color="primary">{t(`content.kinds.${c.kind}`)}</Tag>
              {c.tags.map((tag) => <Tag key={tag} fill="outline">{tag}</Tag>)}
            </div>
            {c.summary && <p className="muted">{c.summary}</p>}
            {c.video_url && (
              /\.(mp4|webm|m3u8)(\?|$)/i.test(c.video_url) ? <video src={c.video_url} controls playsInline style={{ width: '100%', borderRadius: 8 }} /> : <a href={c.video_url} target="_blank" rel="noreferrer">{t('content.playVideo')}</a>
            )}
            <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(c.body) }} />
            {c.products.length > 0 && (
              <section>
                <h3 style={{ fontSize: 15 }}>{t('content.products')}</h3>
                {c.products.map((p) => (
                  <div key={p.sku} style={{ display: 'flex', justifyContent: 'space-between', padding: '6px 0' }}>
                    <span>{p.name}</span>
                    <strong>{fen(p.list_price_fen)}</strong>
                  </div>
                ))}
              </section>
            )}
            <Button block color="primary" style={{ marginTop: 16 }} onClick={() => void share()} data-testid="content-share">{t('content.share')}</Button>
          </article>
        )}
      </div>
    </main>
  );
}
