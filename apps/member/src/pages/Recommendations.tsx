import { useTranslation } from 'react-i18next';
import type { RecommendedItem, Recommendations as Recs } from '@hearth/contracts/recommendations';
import { fen } from '../api.ts';
import { useLoad } from '../use-load.ts';

/**
 * 为你推荐 on the card page: products that go with what the member bought and a step up in the same category;
 * the best sellers for a member with no purchases yet. Nothing shows while there is nothing to suggest.
 */
export function Recommendations() {
  const { t } = useTranslation();
  const recs = useLoad<Recs>('/me/recommendations?limit=6');
  const r = recs.data;
  if (!r || (!r.complementary.length && !r.upgrade.length)) return null;
  const groups = [
    { key: 'complementary', title: r.basis === 'popular' ? t('recommendations.popular') : t('recommendations.complementary'), items: r.complementary },
    { key: 'upgrade', title: t('recommendations.upgrade'), items: r.upgrade },
  ].filter((g) => g.items.length);
  return (
    <section className="card" aria-labelledby="recs-title" data-testid="recommendations">
      <h2 id="recs-title">{t('recommendations.title')}</h2>
      {groups.map((g) => (
        <div key={g.key} style={{ marginBottom: 8 }}>
          <div className="muted" style={{ marginBottom: 6 }}>{g.title}</div>
          <div style={{ display: 'flex', gap: 8, overflowX: 'auto', paddingBottom: 4 }}>
            {g.items.map((item) => <Item key={item.sku} item={item} />)}
          </div>
        </div>
      ))}
    </section>
  );
}

function Item({ item }: { item: RecommendedItem }) {
  const { t } = useTranslation();
  return (
    <div data-testid="recommendation" title={item.because_of ? t('recommendations.because', { sku: item.because_of }) : undefined} style={{ flex: 'none', width: 120, background: '#fafafa', borderRadius: 8, padding: 8 }}>
      <div style={{ fontWeight: 600, fontSize: 14, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{item.name}</div>
      <div className="muted" style={{ fontSize: 12 }}>{item.category}</div>
      <div style={{ color: '#c2410c', marginTop: 4 }}>{fen(item.list_price_fen)}</div>
    </div>
  );
}
