import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

// The member center proper (card, points, tiers, coupons) arrives with issue #10; this page holds its place.
function ComingSoon() {
  return (
    <main style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #fff7ed 0%, #ffffff 60%)', fontFamily: 'system-ui, "Noto Sans CJK SC", sans-serif', padding: 20, boxSizing: 'border-box' }}>
      <h1 style={{ fontSize: 20, margin: '12px 0 20px', color: '#7c2d12' }}>会员中心</h1>
      <section style={{ borderRadius: 16, padding: 20, color: '#fff', background: 'linear-gradient(135deg, #c2410c, #f97316)', boxShadow: '0 10px 30px rgba(194,65,12,0.3)' }}>
        <div style={{ fontSize: 14, opacity: 0.85 }}>Hearth 会员卡</div>
        <div style={{ fontSize: 22, fontWeight: 700, margin: '16px 0 8px' }}>即将上线</div>
        <div style={{ fontSize: 13, opacity: 0.85 }}>会员码、积分、等级与优惠券将在这里与您见面。</div>
      </section>
      <p style={{ color: '#9a3412', fontSize: 13, marginTop: 24 }}>Member center — coming soon.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ComingSoon />
  </StrictMode>,
);
