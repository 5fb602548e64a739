import { StrictMode, Suspense, lazy, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { i18next, initialLanguage, rememberLanguage, type Language } from './i18n.ts';
import { AppShell } from './layout/AppShell.tsx';
import { SessionProvider, useSession } from './session.tsx';

const LoginPage = lazy(() => import('./pages/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const DashboardPage = lazy(() => import('./pages/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const MembersPage = lazy(() => import('./pages/MembersPage.tsx').then((m) => ({ default: m.MembersPage })));
const MemberDetailPage = lazy(() => import('./pages/MemberDetailPage.tsx').then((m) => ({ default: m.MemberDetailPage })));
const TagsPage = lazy(() => import('./pages/TagsPage.tsx').then((m) => ({ default: m.TagsPage })));
const MemberImportPage = lazy(() => import('./pages/MemberImportPage.tsx').then((m) => ({ default: m.MemberImportPage })));
const CustomFieldsPage = lazy(() => import('./pages/CustomFieldsPage.tsx').then((m) => ({ default: m.CustomFieldsPage })));
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx').then((m) => ({ default: m.OrdersPage })));
const ItemCodesPage = lazy(() => import('./pages/ItemCodesPage.tsx').then((m) => ({ default: m.ItemCodesPage })));
const RecommendationsPage = lazy(() => import('./pages/RecommendationsPage.tsx').then((m) => ({ default: m.RecommendationsPage })));
const ServiceDeskPage = lazy(() => import('./pages/ServiceDeskPage.tsx').then((m) => ({ default: m.ServiceDeskPage })));
const StoresPage = lazy(() => import('./pages/StoresPage.tsx').then((m) => ({ default: m.StoresPage })));
const ApiKeysPage = lazy(() => import('./pages/ApiKeysPage.tsx').then((m) => ({ default: m.ApiKeysPage })));
const AuditLogPage = lazy(() => import('./pages/AuditLogPage.tsx').then((m) => ({ default: m.AuditLogPage })));
const JobsPage = lazy(() => import('./pages/JobsPage.tsx').then((m) => ({ default: m.JobsPage })));
const OperatorsPage = lazy(() => import('./pages/OperatorsPage.tsx').then((m) => ({ default: m.OperatorsPage })));
const PointsRulesPage = lazy(() => import('./pages/PointsRulesPage.tsx').then((m) => ({ default: m.PointsRulesPage })));
const PointsSettingsPage = lazy(() => import('./pages/PointsSettingsPage.tsx').then((m) => ({ default: m.PointsSettingsPage })));
const RewardsPage = lazy(() => import('./pages/RewardsPage.tsx').then((m) => ({ default: m.RewardsPage })));
const TiersPage = lazy(() => import('./pages/TiersPage.tsx').then((m) => ({ default: m.TiersPage })));
const PointsLiabilityPage = lazy(() => import('./pages/PointsLiabilityPage.tsx').then((m) => ({ default: m.PointsLiabilityPage })));
const ClvPage = lazy(() => import('./pages/ClvPage.tsx').then((m) => ({ default: m.ClvPage })));
const ParetoPage = lazy(() => import('./pages/ParetoPage.tsx').then((m) => ({ default: m.ParetoPage })));
const EventsPage = lazy(() => import('./pages/EventsPage.tsx').then((m) => ({ default: m.EventsPage })));
const EventRegistrationsPage = lazy(() => import('./pages/EventRegistrationsPage.tsx').then((m) => ({ default: m.EventRegistrationsPage })));
const EventCheckinPage = lazy(() => import('./pages/EventCheckinPage.tsx').then((m) => ({ default: m.EventCheckinPage })));
const EventStatsPage = lazy(() => import('./pages/EventStatsPage.tsx').then((m) => ({ default: m.EventStatsPage })));
const JourneysPage = lazy(() => import('./pages/JourneysPage.tsx').then((m) => ({ default: m.JourneysPage })));
// The flow canvas (@xyflow/react) loads only with the editor.
const JourneyEditorPage = lazy(() => import('./pages/JourneyEditorPage.tsx').then((m) => ({ default: m.JourneyEditorPage })));
const MessageTemplatesPage = lazy(() => import('./pages/MessageTemplatesPage.tsx').then((m) => ({ default: m.MessageTemplatesPage })));
const BroadcastsPage = lazy(() => import('./pages/BroadcastsPage.tsx').then((m) => ({ default: m.BroadcastsPage })));
const DeliveriesPage = lazy(() => import('./pages/DeliveriesPage.tsx').then((m) => ({ default: m.DeliveriesPage })));
const MessagingChannelsPage = lazy(() => import('./pages/MessagingChannelsPage.tsx').then((m) => ({ default: m.MessagingChannelsPage })));
const SegmentsPage = lazy(() => import('./pages/SegmentsPage.tsx').then((m) => ({ default: m.SegmentsPage })));
const RfmPage = lazy(() => import('./pages/RfmLifecyclePage.tsx').then((m) => ({ default: m.RfmPage })));
const LifecyclePage = lazy(() => import('./pages/RfmLifecyclePage.tsx').then((m) => ({ default: m.LifecyclePage })));
const RegionalPage = lazy(() => import('./pages/RegionalPage.tsx').then((m) => ({ default: m.RegionalPage })));
const CouponTemplatesPage = lazy(() => import('./pages/CouponTemplatesPage.tsx').then((m) => ({ default: m.CouponTemplatesPage })));
const CouponIssuePage = lazy(() => import('./pages/CouponIssuePage.tsx').then((m) => ({ default: m.CouponIssuePage })));
const BenefitsPage = lazy(() => import('./pages/BenefitsPage.tsx').then((m) => ({ default: m.BenefitsPage })));
const ExperiencePage = lazy(() => import('./pages/ExperiencePage.tsx').then((m) => ({ default: m.ExperiencePage })));
const ExperienceProgramPage = lazy(() => import('./pages/ExperienceProgramPage.tsx').then((m) => ({ default: m.ExperienceProgramPage })));
const ContentPage = lazy(() => import('./pages/ContentPage.tsx').then((m) => ({ default: m.ContentPage })));
const ContestsPage = lazy(() => import('./pages/ContestsPage.tsx').then((m) => ({ default: m.ContestsPage })));
const PartnersPage = lazy(() => import('./pages/PartnersPage.tsx').then((m) => ({ default: m.PartnersPage })));
const MemberPricesPage = lazy(() => import('./pages/MemberPricesPage.tsx').then((m) => ({ default: m.MemberPricesPage })));
const LotteriesPage = lazy(() => import('./pages/LotteriesPage.tsx').then((m) => ({ default: m.LotteriesPage })));
const CheckinPage = lazy(() => import('./pages/CheckinPage.tsx').then((m) => ({ default: m.CheckinPage })));
const ChannelCodesPage = lazy(() => import('./pages/ChannelCodesPage.tsx').then((m) => ({ default: m.ChannelCodesPage })));
const WecomPage = lazy(() => import('./pages/WecomPage.tsx').then((m) => ({ default: m.WecomPage })));
const GroupsPage = lazy(() => import('./pages/GroupsPage.tsx').then((m) => ({ default: m.GroupsPage })));
const GroupPoolsPage = lazy(() => import('./pages/GroupPoolsPage.tsx').then((m) => ({ default: m.GroupPoolsPage })));
const GroupRepliesPage = lazy(() => import('./pages/GroupRepliesPage.tsx').then((m) => ({ default: m.GroupRepliesPage })));
const GroupBroadcastsPage = lazy(() => import('./pages/GroupBroadcastsPage.tsx').then((m) => ({ default: m.GroupBroadcastsPage })));
const GroupStatsPage = lazy(() => import('./pages/GroupStatsPage.tsx').then((m) => ({ default: m.GroupStatsPage })));
const GuidesPage = lazy(() => import('./pages/GuidesPage.tsx').then((m) => ({ default: m.GuidesPage })));
const GuideLeaderboardPage = lazy(() => import('./pages/GuideLeaderboardPage.tsx').then((m) => ({ default: m.GuideLeaderboardPage })));
const GuideRulesPage = lazy(() => import('./pages/GuideRulesPage.tsx').then((m) => ({ default: m.GuideRulesPage })));
const GuideTasksPage = lazy(() => import('./pages/GuideTasksPage.tsx').then((m) => ({ default: m.GuideTasksPage })));
const GuideWorkbenchPage = lazy(() => import('./pages/GuideWorkbenchPage.tsx').then((m) => ({ default: m.GuideWorkbenchPage })));
const QuizzesPage = lazy(() => import('./pages/QuizzesPage.tsx').then((m) => ({ default: m.QuizzesPage })));
const MemberDaysPage = lazy(() => import('./pages/MemberDaysPage.tsx').then((m) => ({ default: m.MemberDaysPage })));
const ReferralsPage = lazy(() => import('./pages/ReferralsPage.tsx').then((m) => ({ default: m.ReferralsPage })));
const DistributionPage = lazy(() => import('./pages/DistributionPage.tsx').then((m) => ({ default: m.DistributionPage })));
const ScarceProductsPage = lazy(() => import('./pages/ScarceProductsPage.tsx').then((m) => ({ default: m.ScarceProductsPage })));
const CouponWriteOffPage = lazy(() => import('./pages/CouponWriteOffPage.tsx').then((m) => ({ default: m.CouponWriteOffPage })));
const MembershipPlansPage = lazy(() => import('./pages/MembershipPlansPage.tsx').then((m) => ({ default: m.MembershipPlansPage })));
const MembershipSubscriptionsPage = lazy(() => import('./pages/MembershipSubscriptionsPage.tsx').then((m) => ({ default: m.MembershipSubscriptionsPage })));
const MembershipReportsPage = lazy(() => import('./pages/MembershipReportsPage.tsx').then((m) => ({ default: m.MembershipReportsPage })));
const MembershipSettingsPage = lazy(() => import('./pages/MembershipSettingsPage.tsx').then((m) => ({ default: m.MembershipSettingsPage })));

function applyLanguage(language: Language) {
  void i18next.changeLanguage(language);
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = language;
}

function Root() {
  const [language, setLanguage] = useState<Language>(() => {
    const initial = initialLanguage();
    applyLanguage(initial);
    return initial;
  });
  const switchLanguage = () => {
    const next: Language = language === 'en' ? 'zh-CN' : 'en';
    rememberLanguage(next);
    applyLanguage(next);
    setLanguage(next);
  };
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#c2410c', borderRadius: 8 } }}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter basename="/admin">
            <Suspense fallback={<Spin style={{ margin: 80 }} />}>
              <AppRoutes onSwitchLanguage={switchLanguage} />
            </Suspense>
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

function AppRoutes({ onSwitchLanguage }: { onSwitchLanguage: () => void }) {
  const { session, loading } = useSession();
  const location = useLocation();
  if (loading) return <Spin style={{ margin: 80 }} />;
  if (!session) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage onSwitchLanguage={onSwitchLanguage} />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  return (
    <Routes>
      {/* The guide workbench is a narrow page for the WeCom sidebar, without the console's menu. */}
      <Route path="guide" element={<GuideWorkbenchPage />} />
      <Route element={<AppShell onSwitchLanguage={onSwitchLanguage} />}>
        <Route index element={<DashboardPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="members/:id" element={<MemberDetailPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="item-codes" element={<ItemCodesPage />} />
        <Route path="recommendations" element={<RecommendationsPage />} />
        <Route path="service" element={<ServiceDeskPage />} />
        <Route path="points" element={<Navigate to="/points/rules" replace />} />
        <Route path="points/rules" element={<PointsRulesPage />} />
        <Route path="points/settings" element={<PointsSettingsPage />} />
        <Route path="points/rewards" element={<RewardsPage />} />
        <Route path="points/liability" element={<PointsLiabilityPage />} />
        <Route path="analytics" element={<Navigate to="/analytics/clv" replace />} />
        <Route path="analytics/clv" element={<ClvPage />} />
        <Route path="analytics/pareto" element={<ParetoPage />} />
        <Route path="analytics/regional" element={<RegionalPage />} />
        <Route path="events" element={<Navigate to="/events/list" replace />} />
        <Route path="events/list" element={<EventsPage />} />
        <Route path="events/registrations" element={<EventRegistrationsPage />} />
        <Route path="events/checkin" element={<EventCheckinPage />} />
        <Route path="events/stats" element={<EventStatsPage />} />
        <Route path="journeys" element={<JourneysPage />} />
        <Route path="journeys/:id" element={<JourneyEditorPage />} />
        <Route path="messaging" element={<Navigate to="/messaging/templates" replace />} />
        <Route path="messaging/templates" element={<MessageTemplatesPage />} />
        <Route path="messaging/broadcasts" element={<BroadcastsPage />} />
        <Route path="messaging/deliveries" element={<DeliveriesPage />} />
        <Route path="messaging/channels" element={<MessagingChannelsPage />} />
        <Route path="segments" element={<Navigate to="/segments/list" replace />} />
        <Route path="segments/list" element={<SegmentsPage />} />
        <Route path="segments/rfm" element={<RfmPage />} />
        <Route path="segments/lifecycle" element={<LifecyclePage />} />
        <Route path="tiers" element={<TiersPage />} />
        <Route path="coupons" element={<Navigate to="/coupons/templates" replace />} />
        <Route path="coupons/templates" element={<CouponTemplatesPage />} />
        <Route path="coupons/issue" element={<CouponIssuePage />} />
        <Route path="coupons/write-off" element={<CouponWriteOffPage />} />
        <Route path="partners" element={<PartnersPage />} />
        <Route path="experience" element={<ExperiencePage />} />
        <Route path="experience/:id" element={<ExperienceProgramPage />} />
        <Route path="content" element={<ContentPage />} />
        <Route path="contests" element={<ContestsPage />} />
        <Route path="pricing" element={<Navigate to="/pricing/member-prices" replace />} />
        <Route path="pricing/member-prices" element={<MemberPricesPage />} />
        <Route path="pricing/scarce" element={<ScarceProductsPage />} />
        <Route path="games/lotteries" element={<LotteriesPage />} />
        <Route path="games/checkin" element={<CheckinPage />} />
        <Route path="acquisition" element={<Navigate to="/acquisition/channel-codes" replace />} />
        <Route path="acquisition/channel-codes" element={<ChannelCodesPage />} />
        <Route path="acquisition/wecom" element={<WecomPage />} />
        <Route path="groups" element={<Navigate to="/groups/list" replace />} />
        <Route path="groups/broadcasts" element={<GroupBroadcastsPage />} />
        <Route path="groups/list" element={<GroupsPage />} />
        <Route path="groups/pools" element={<GroupPoolsPage />} />
        <Route path="groups/replies" element={<GroupRepliesPage />} />
        <Route path="groups/stats" element={<GroupStatsPage />} />
        <Route path="guides" element={<Navigate to="/guides/list" replace />} />
        <Route path="guides/leaderboard" element={<GuideLeaderboardPage />} />
        <Route path="guides/list" element={<GuidesPage />} />
        <Route path="guides/rules" element={<GuideRulesPage />} />
        <Route path="guides/tasks" element={<GuideTasksPage />} />
        <Route path="games/quizzes" element={<QuizzesPage />} />
        <Route path="referrals" element={<ReferralsPage />} />
        <Route path="distribution" element={<DistributionPage />} />
        <Route path="member-days" element={<MemberDaysPage />} />
        <Route path="membership" element={<Navigate to="/membership/plans" replace />} />
        <Route path="membership/plans" element={<MembershipPlansPage />} />
        <Route path="membership/subscriptions" element={<MembershipSubscriptionsPage />} />
        <Route path="membership/reports" element={<MembershipReportsPage />} />
        <Route path="membership/settings" element={<MembershipSettingsPage />} />
        <Route path="benefits" element={<BenefitsPage />} />
        <Route path="tags" element={<TagsPage />} />
        <Route path="member-imports" element={<MemberImportPage />} />
        <Route path="custom-fields" element={<CustomFieldsPage />} />
        <Route path="stores" element={<StoresPage />} />
        <Route path="operators" element={<OperatorsPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="audit" element={<AuditLogPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="login" element={<Navigate to="/" replace />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
