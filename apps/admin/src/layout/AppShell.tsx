import { useState, type ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Avatar, Button, Dropdown, Layout, Menu, Space, Tag, Typography, type MenuProps } from 'antd';
import { AimOutlined, ApartmentOutlined, ApiOutlined, AuditOutlined, BranchesOutlined, BulbOutlined, CalendarOutlined, CloudUploadOutlined, CrownOutlined, CustomerServiceOutlined, DashboardOutlined, ExperimentOutlined, FireFilled, GiftOutlined, GlobalOutlined, IdcardOutlined, LineChartOutlined, LogoutOutlined, MessageOutlined, NodeIndexOutlined, ProfileOutlined, QrcodeOutlined, ReadOutlined, SafetyCertificateOutlined, ScheduleOutlined, ShareAltOutlined, ShopOutlined, ShoppingCartOutlined, SolutionOutlined, TagOutlined, TagsOutlined, TeamOutlined, ThunderboltOutlined, TrophyOutlined, UsergroupAddOutlined, UserOutlined, WalletOutlined, WechatWorkOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session.tsx';

interface MenuEntry {
  path: string;
  label: string;
  icon?: ReactNode;
  permission: string | null;
  /** A group: shown when at least one of its entries is. */
  children?: MenuEntry[];
}

/** The side menu: each entry shows only to operators holding its permission. New modules add a line here. */
const menu: MenuEntry[] = [
  { path: '/', label: 'nav.dashboard', icon: <DashboardOutlined />, permission: null },
  { path: '/members', label: 'nav.members', icon: <IdcardOutlined />, permission: 'members:read' },
  { path: '/orders', label: 'nav.orders', icon: <ShoppingCartOutlined />, permission: 'orders:read' },
  { path: '/item-codes', label: 'nav.itemCodes', icon: <QrcodeOutlined />, permission: 'item_codes:read' },
  { path: '/recommendations', label: 'nav.recommendations', icon: <BulbOutlined />, permission: 'recommendations:read' },
  { path: '/service', label: 'nav.service', icon: <CustomerServiceOutlined />, permission: 'service:read' },
  {
    path: '/points',
    label: 'nav.points',
    icon: <GiftOutlined />,
    permission: 'points:read',
    children: [
      { path: '/points/rules', label: 'nav.pointsRules', permission: 'points:read' },
      { path: '/points/settings', label: 'nav.pointsSettings', permission: 'points:read' },
      { path: '/points/rewards', label: 'nav.rewards', permission: 'points:read' },
      { path: '/points/liability', label: 'nav.liability', permission: 'points:read' },
    ],
  },
  {
    path: '/analytics',
    label: 'nav.analytics',
    icon: <LineChartOutlined />,
    permission: 'analytics:read',
    children: [
      { path: '/analytics/clv', label: 'nav.clv', permission: 'analytics:read' },
      { path: '/analytics/pareto', label: 'nav.pareto', permission: 'analytics:read' },
      { path: '/analytics/regional', label: 'nav.regional', permission: 'analytics:read' },
    ],
  },
  {
    path: '/segments',
    label: 'nav.segmentation',
    icon: <ApartmentOutlined />,
    permission: 'segments:read',
    children: [
      { path: '/segments/list', label: 'nav.segments', permission: 'segments:read' },
      { path: '/segments/rfm', label: 'nav.rfm', permission: 'segments:read' },
      { path: '/segments/lifecycle', label: 'nav.lifecycle', permission: 'segments:read' },
    ],
  },
  { path: '/tiers', label: 'nav.tiers', icon: <CrownOutlined />, permission: 'tiers:read' },
  {
    path: '/membership',
    label: 'nav.membership',
    icon: <WalletOutlined />,
    permission: 'membership:read',
    children: [
      { path: '/membership/plans', label: 'nav.membershipPlans', permission: 'membership:read' },
      { path: '/membership/subscriptions', label: 'nav.membershipSubscriptions', permission: 'membership:read' },
      { path: '/membership/reports', label: 'nav.membershipReports', permission: 'membership:read' },
      { path: '/membership/settings', label: 'nav.membershipSettings', permission: 'membership:read' },
    ],
  },
  {
    path: '/coupons',
    label: 'nav.coupons',
    icon: <TagOutlined />,
    permission: 'coupons:read',
    children: [
      { path: '/coupons/templates', label: 'nav.couponTemplates', permission: 'coupons:read' },
      { path: '/coupons/issue', label: 'nav.couponIssue', permission: 'coupons:issue' },
      { path: '/coupons/write-off', label: 'nav.couponWriteOff', permission: 'coupons:redeem' },
    ],
  },
  {
    path: '/events',
    label: 'events.nav.events',
    icon: <CalendarOutlined />,
    permission: 'events:read',
    children: [
      { path: '/events/list', label: 'events.nav.list', permission: 'events:read' },
      { path: '/events/registrations', label: 'events.nav.registrations', permission: 'events:read' },
      { path: '/events/checkin', label: 'events.nav.checkin', permission: 'events:checkin' },
      { path: '/events/stats', label: 'events.nav.stats', permission: 'events:read' },
    ],
  },
  { path: '/journeys', label: 'nav.journeys', icon: <NodeIndexOutlined />, permission: 'journeys:read' },
  {
    path: '/messaging',
    label: 'nav.messaging',
    icon: <MessageOutlined />,
    permission: 'messaging:read',
    children: [
      { path: '/messaging/templates', label: 'nav.messageTemplates', permission: 'messaging:read' },
      { path: '/messaging/broadcasts', label: 'nav.broadcasts', permission: 'messaging:read' },
      { path: '/messaging/deliveries', label: 'nav.deliveries', permission: 'messaging:read' },
      { path: '/messaging/channels', label: 'nav.messagingChannels', permission: 'messaging:manage' },
    ],
  },
  { path: '/benefits', label: 'nav.benefits', icon: <SafetyCertificateOutlined />, permission: 'benefits:read' },
  { path: '/partners', label: 'nav.partners', icon: <BranchesOutlined />, permission: 'partners:read' },
  { path: '/experience', label: 'nav.experience', icon: <ExperimentOutlined />, permission: 'experience:read' },
  { path: '/contests', label: 'nav.contests', icon: <TrophyOutlined />, permission: 'contests:read' },
  { path: '/content', label: 'nav.content', icon: <ReadOutlined />, permission: 'content:read' },
  {
    path: '/guides',
    label: 'guides.nav.group',
    icon: <SolutionOutlined />,
    permission: 'guides:work',
    children: [
      { path: '/guides/list', label: 'guides.nav.list', permission: 'guides:read' },
      { path: '/guides/rules', label: 'guides.nav.rules', permission: 'guides:read' },
      { path: '/guides/tasks', label: 'guides.nav.tasks', permission: 'guides:work' },
      { path: '/guides/leaderboard', label: 'guides.nav.leaderboard', permission: 'guides:read' },
      { path: '/guide', label: 'guides.nav.workbench', permission: 'guides:work' },
    ],
  },
  { path: '/member-days', label: 'nav.memberDays', icon: <CalendarOutlined />, permission: 'member_days:read' },
  {
    path: '/pricing',
    label: 'nav.pricing',
    icon: <ThunderboltOutlined />,
    permission: 'pricing:read',
    children: [
      { path: '/pricing/member-prices', label: 'nav.memberPrices', permission: 'pricing:read' },
      { path: '/pricing/scarce', label: 'nav.scarce', permission: 'pricing:read' },
    ],
  },
  {
    path: '/games',
    label: 'nav.games',
    icon: <TrophyOutlined />,
    permission: 'games:read',
    children: [
      { path: '/games/lotteries', label: 'nav.lotteries', permission: 'games:read' },
      { path: '/games/checkin', label: 'nav.checkin', permission: 'games:read' },
      { path: '/games/quizzes', label: 'nav.quizzes', permission: 'games:read' },
    ],
  },
  { path: '/referrals', label: 'referrals.nav', icon: <UsergroupAddOutlined />, permission: 'referrals:read' },
  { path: '/distribution', label: 'distribution.nav', icon: <ShareAltOutlined />, permission: 'distribution:read' },
  {
    path: '/acquisition',
    label: 'acquisition.nav.group',
    icon: <AimOutlined />,
    permission: 'channel_codes:read',
    children: [
      { path: '/acquisition/channel-codes', label: 'acquisition.nav.codes', permission: 'channel_codes:read' },
      { path: '/acquisition/wecom', label: 'acquisition.nav.wecom', permission: 'wecom:read' },
    ],
  },
  {
    path: '/groups',
    label: 'groups.nav.groups',
    icon: <WechatWorkOutlined />,
    permission: 'groups:read',
    children: [
      { path: '/groups/list', label: 'groups.nav.list', permission: 'groups:read' },
      { path: '/groups/pools', label: 'groups.nav.pools', permission: 'groups:read' },
      { path: '/groups/replies', label: 'groups.nav.replies', permission: 'groups:read' },
      { path: '/groups/broadcasts', label: 'groups.nav.broadcasts', permission: 'groups:read' },
      { path: '/groups/stats', label: 'groups.nav.stats', permission: 'groups:read' },
    ],
  },
  { path: '/tags', label: 'nav.tags', icon: <TagsOutlined />, permission: 'tags:manage' },
  { path: '/member-imports', label: 'nav.imports', icon: <CloudUploadOutlined />, permission: 'members:write' },
  { path: '/custom-fields', label: 'nav.customFields', icon: <ProfileOutlined />, permission: 'tenant:manage' },
  { path: '/stores', label: 'nav.stores', icon: <ShopOutlined />, permission: 'stores:read' },
  { path: '/operators', label: 'nav.operators', icon: <TeamOutlined />, permission: 'operators:manage' },
  { path: '/api-keys', label: 'nav.apiKeys', icon: <ApiOutlined />, permission: 'api_keys:manage' },
  { path: '/jobs', label: 'nav.jobs', icon: <ScheduleOutlined />, permission: 'jobs:read' },
  { path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, permission: 'audit:read' },
];
const leaves = menu.flatMap((m) => m.children ?? [m]);
type MenuItem = NonNullable<MenuProps['items']>[number];

export function AppShell({ onSwitchLanguage }: { onSwitchLanguage: () => void }) {
  const { t } = useTranslation();
  const { session, can, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const toItems = (entries: MenuEntry[]): MenuItem[] =>
    entries
      .filter((item) => item.permission === null || can(item.permission))
      .flatMap((item) => {
        const base = { key: item.path, icon: item.icon, label: t(item.label), 'data-testid': `nav-${item.path.slice(1).replace('/', '-') || 'dashboard'}` };
        if (!item.children) return [base];
        const children = toItems(item.children);
        return children.length ? [{ ...base, children }] : [];
      });
  const items = toItems(menu);
  // By whole path segments: /membership is not under /members.
  const under = (path: string) => location.pathname === path || location.pathname.startsWith(`${path}/`);
  const selected = leaves.filter((m) => m.path !== '/' && under(m.path)).map((m) => m.path);
  const groupOpen = menu.filter((m) => m.children && under(m.path)).map((m) => m.path);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {/* The menu scrolls inside a full-height sider, so its last entries are never under the collapse button. */}
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} theme="light" width={216} style={{ borderRight: '1px solid #f0f0f0', position: 'sticky', top: 0, height: '100vh' }}>
        <div style={{ height: 56, display: 'flex', alignItems: 'center', gap: 10, padding: '0 20px', fontWeight: 700, fontSize: 16, color: '#c2410c' }}>
          <FireFilled style={{ fontSize: 22 }} />
          {!collapsed && <span>{t('app.short')}</span>}
        </div>
        <div style={{ height: 'calc(100% - 56px)', overflowY: 'auto' }}>
          <Menu mode="inline" selectedKeys={selected.length ? selected : ['/']} defaultOpenKeys={groupOpen} items={items} onClick={({ key }) => navigate(key)} style={{ borderInlineEnd: 0 }} />
        </div>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
          <Typography.Text strong>{session?.tenant.name}</Typography.Text>
          <Space size="middle">
            <Button type="text" icon={<GlobalOutlined />} onClick={onSwitchLanguage} data-testid="language-switch">
              {t('common.language')}
            </Button>
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('common.logout') }],
                onClick: () => void logout().then(() => navigate('/login')),
              }}
            >
              <Space style={{ cursor: 'pointer' }} data-testid="current-operator">
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c2410c' }} />
                <span>{session?.operator.name}</span>
                <Tag>{t(`roles.${session?.operator.role ?? 'operator'}`)}</Tag>
              </Space>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24, background: '#f7f7f8' }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
