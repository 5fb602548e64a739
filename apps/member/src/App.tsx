import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ConfigProvider } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useTranslation } from 'react-i18next';
import { api, setUnauthenticatedHandler } from './api.ts';
import { currentBrand } from './brand.ts';
import { rememberReturn } from './return-to.ts';
import { CardPage } from './pages/CardPage.tsx';
import { CouponIcon, HomeIcon, PointsIcon, UserIcon } from './icons.tsx';

// The card is the page members open at the counter: it ships in the first chunk, the rest loads on demand.
const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const SignInPage = named(() => import('./pages/SignInPage.tsx'), 'SignInPage');
const WechatCallbackPage = named(() => import('./pages/SignInPage.tsx'), 'WechatCallbackPage');
const PointsPage = named(() => import('./pages/PointsPage.tsx'), 'PointsPage');
const TierPage = named(() => import('./pages/TierPage.tsx'), 'TierPage');
const CouponsPage = named(() => import('./pages/CouponsPage.tsx'), 'CouponsPage');
const PlanPage = named(() => import('./pages/PlanPage.tsx'), 'PlanPage');
const ProfilePage = named(() => import('./pages/ProfilePage.tsx'), 'ProfilePage');
const InboxPage = named(() => import('./pages/InboxPage.tsx'), 'InboxPage');
const ExperiencePage = named(() => import('./pages/ExperiencePages.tsx'), 'ExperiencePage');
const ExperienceProgramPage = named(() => import('./pages/ExperiencePages.tsx'), 'ExperienceProgramPage');
const ExperienceApplicationPage = named(() => import('./pages/ExperienceApplicationPage.tsx'), 'ExperienceApplicationPage');
const ContentListPage = named(() => import('./pages/ContentPages.tsx'), 'ContentListPage');
const ContentDetailPage = named(() => import('./pages/ContentPages.tsx'), 'ContentDetailPage');
const ContestsPage = named(() => import('./pages/ContestsPage.tsx'), 'ContestsPage');
const ContestPage = named(() => import('./pages/ContestsPage.tsx'), 'ContestPage');
const LuckyDrawPage = named(() => import('./pages/LuckyDrawPage.tsx'), 'LuckyDrawPage');
const EventsPage = named(() => import('./pages/EventsPage.tsx'), 'EventsPage');
const EventDetailPage = named(() => import('./pages/EventsPage.tsx'), 'EventDetailPage');
const QuizzesPage = named(() => import('./pages/QuizPages.tsx'), 'QuizzesPage');
const QuizPage = named(() => import('./pages/QuizPages.tsx'), 'QuizPage');
const TicketsPage = named(() => import('./pages/TicketsPage.tsx'), 'TicketsPage');
const TicketPage = named(() => import('./pages/TicketsPage.tsx'), 'TicketPage');
const MemberDaysPage = named(() => import('./pages/MemberDaysPage.tsx'), 'MemberDaysPage');
const InvitePage = named(() => import('./pages/InvitePage.tsx'), 'InvitePage');
const PromoterPage = named(() => import('./pages/PromoterPage.tsx'), 'PromoterPage');
const ScanPage = named(() => import('./pages/ScanPage.tsx'), 'ScanPage');
const ServicePage = named(() => import('./pages/ServicePages.tsx'), 'ServicePage');
const ServiceNewPage = named(() => import('./pages/ServiceNewPage.tsx'), 'ServiceNewPage');
const ServiceTicketPage = named(() => import('./pages/ServicePages.tsx'), 'ServiceTicketPage');

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN}>
      <BrowserRouter basename="/m">
        <GroupFullNotice />
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/auth/wechat" element={<WechatCallbackPage />} />
            <Route element={<Shell />}>
              <Route index element={<CardPage />} />
              <Route path="/points" element={<PointsPage />} />
              <Route path="/tier" element={<TierPage />} />
              <Route path="/coupons" element={<CouponsPage />} />
              <Route path="/plan" element={<PlanPage />} />
              <Route path="/me" element={<ProfilePage />} />
              <Route path="/inbox" element={<InboxPage />} />
              <Route path="/experience" element={<ExperiencePage />} />
              <Route path="/experience/:id" element={<ExperienceProgramPage />} />
              <Route path="/experience/applications/:id" element={<ExperienceApplicationPage />} />
              <Route path="/content" element={<ContentListPage />} />
              <Route path="/content/:id" element={<ContentDetailPage />} />
              <Route path="/contests" element={<ContestsPage />} />
              <Route path="/contests/:id" element={<ContestPage />} />
              <Route path="/draw" element={<LuckyDrawPage />} />
              <Route path="/events" element={<EventsPage />} />
              <Route path="/events/:id" element={<EventDetailPage />} />
              <Route path="/quizzes" element={<QuizzesPage />} />
              <Route path="/quizzes/:id" element={<QuizPage />} />
              <Route path="/tickets" element={<TicketsPage />} />
              <Route path="/tickets/:id" element={<TicketPage />} />
              <Route path="/member-days" element={<MemberDaysPage />} />
              <Route path="/invite" element={<InvitePage />} />
              <Route path="/promoter" element={<PromoterPage />} />
              <Route path="/scan" element={<ScanPage />} />
              <Route path="/service" element={<ServicePage />} />
              <Route path="/service/new" element={<ServiceNewPage />} />
              <Route path="/service/:id" element={<ServiceTicketPage />} />
            </Route>
          </Routes>
        </Suspense>
      </BrowserRouter>
    </ConfigProvider>
  );
}

/**
 * A group channel code whose groups are all full sends the scanner here with `group_full=1`: say so, once, above
 * whatever page follows (read at first load, so the sign-in detour does not lose it), until the member closes it.
 */
function GroupFullNotice() {
  const { t } = useTranslation();
  const [shown, setShown] = useState(() => new URLSearchParams(window.location.search).get('group_full') === '1');
  if (!shown) return null;
  return (
    <div role="status" className="warning group-full" data-testid="group-full">
      <span>{t('groupFull.text')}</span>
      <button type="button" className="link-button" onClick={() => setShown(false)} aria-label={t('groupFull.close')}>
        ×
      </button>
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-label={t('common.loading')} style={{ padding: 48, textAlign: 'center' }}>
      <span className="spinner" />
    </div>
  );
}

function Shell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      currentBrand(); // an invite or product link names its brand: remember it before the query is gone
      rememberReturn(`${window.location.pathname.replace(/^\/m/, '') || '/'}${window.location.search}`);
      navigate('/sign-in', { replace: true });
    });
  }, [navigate]);
  usePromoterVisit();
  const tabs = [
    { key: '/', title: t('nav.home'), icon: <HomeIcon /> },
    { key: '/points', title: t('nav.points'), icon: <PointsIcon /> },
    { key: '/coupons', title: t('nav.coupons'), icon: <CouponIcon /> },
    { key: '/me', title: t('nav.me'), icon: <UserIcon /> },
  ];
  const active = tabs.find((tab) => tab.key !== '/' && location.pathname.startsWith(tab.key))?.key ?? '/';
  return (
    <div className="page">
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
      {/* A plain tab bar: antd-mobile's would add its animation runtime to the card page's first load. */}
      <nav className="tabbar" aria-label={t('app.title')}>
        {tabs.map((tab) => (
          <button
            key={tab.key}
            type="button"
            className={tab.key === active ? 'tab active' : 'tab'}
            aria-current={tab.key === active ? 'page' : undefined}
            onClick={() => navigate(tab.key)}
            data-testid={`tab-${tab.key === '/' ? 'home' : tab.key.slice(1)}`}
          >
            {tab.icon}
            <span>{tab.title}</span>
          </button>
        ))}
      </nav>
    </div>
  );
}

/**
 * A promoter's link (`?promoter=CODE`) opened by a signed-in member: recorded once, so the member's orders in the
 * attribution window count for that promoter. A wrong or withdrawn code costs the member nothing, so it stays silent.
 */
function usePromoterVisit() {
  useEffect(() => {
    const code = new URLSearchParams(window.location.search).get('promoter');
    if (code) void api('/me/promoter-visits', { method: 'POST', body: { code } }).catch(() => undefined);
  }, []);
}
