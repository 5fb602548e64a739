import type { Role } from '@hearth/contracts/auth';

/**
 * The permission catalogue and the role matrix: the only place that decides who may do what.
 * New modules add their permissions here and grant them to roles in the same edit.
 */
export const permissionCatalogue = {
  'tenant:manage': '修改品牌设置 / Manage tenant settings',
  'operators:manage': '管理后台账号 / Manage operators',
  'api_keys:manage': '管理 API 密钥 / Manage API keys',
  'audit:read': '查看审计日志 / Read the audit log',
  'jobs:read': '查看后台任务 / Read background jobs',
  'jobs:write': '重试后台任务 / Retry background jobs',
  'stores:read': '查看门店 / Read stores',
  'stores:write': '管理门店 / Create, edit and import stores',
  'members:read': '查看会员（手机号、邮箱打码） / Read members (contact data masked)',
  'members:write': '登记与编辑会员、合并会员 / Register, edit and merge members',
  'members:read_pii': '查看完整手机号与邮箱（留痕） / See full phone and email (audited)',
  'members:erase': '导出与删除会员个人信息 / Export and erase personal data',
  'tags:manage': '管理标签 / Manage tags',
  'events:write': '上报行为事件 / Send behaviour events',
  'member_codes:verify': '核验会员码 / Verify member codes at the counter',
  'products:read': '查看商品 / Read the product catalogue',
  'products:write': '维护商品 / Maintain the product catalogue',
  'orders:read': '查看订单 / Read orders',
  'orders:write': '上报订单与退款 / Record orders and refunds',
  'points:read': '查看积分 / Read points balances and ledgers',
  'points:write': '积分抵现与兑换 / Redeem points (POS deduction, rewards)',
  'points:adjust': '手工调整积分（留痕） / Adjust points by hand (audited)',
  'points:manage': '积分规则、设置与兑换商品 / Manage earning rules, points settings and rewards',
  'coupons:read': '查看优惠券 / Read coupons, templates and coupon reports',
  'coupons:issue': '发放优惠券 / Issue coupons to members',
  'coupons:redeem': '核销优惠券 / Verify, reserve and write off coupons at a store or POS',
  'coupons:manage': '优惠券模板与设置 / Manage coupon templates and settings',
  'membership:read': '查看付费会员与订阅 / Read paid plans and subscriptions',
  'membership:write': '开通、续费、取消付费会员，确认线下收款 / Sell, renew and cancel paid memberships, confirm counter payments',
  'membership:manage': '付费会员方案、退款与支付设置 / Manage paid plans, refunds and payment settings',
  'analytics:read': '查看分析报表（CLV、二八分析、影响力、区域销售） / Read analytics (CLV, Pareto, influence, regional sales)',
  'analytics:manage': '分析设置与重新计算 CLV / Analytics settings and CLV refits',
  'segments:read': '查看人群、RFM 与生命周期 / Read segments, RFM and lifecycle',
  'segments:write': '管理人群与分析设置 / Manage segments and their analysis settings',
  'segments:export': '导出人群（手机号打码，留痕） / Export segments (masked, audited)',
  'tiers:read': '查看会员等级 / Read tiers, member tiers and simulations',
  'tiers:manage': '等级体系与升降级规则 / Manage tier ladders, rules and evaluations',
  'tiers:assign': '手工指定会员等级（留痕） / Assign a member’s tier by hand (audited)',
  'partners:read': '查看异业联盟伙伴、券码库存与结算统计 / Read alliance partners, code stock and settlement usage',
  'partners:manage': '管理异业伙伴、权益、券码导入与核销回传 / Manage partners, their benefits, code imports and redemption reports',
  'partners:allocate': '为会员领取异业权益 / Allocate partner benefits to members',
  'pricing:read': '查看会员价、限量发售与抽签 / Read member prices, launches and ballots',
  'pricing:manage': '维护会员价，创建限量发售与抽签并开奖 / Manage member prices, create launches and ballots and draw them',
  'pricing:sell': '限量商品预留与抽签报名 / Reserve launch units and enter ballots for members',
  'messaging:read': '查看消息模板、发送记录与群发 / Read message templates, the delivery log and broadcasts',
  'messaging:send': '发送消息与群发 / Send messages and broadcasts',
  'messaging:manage': '渠道凭据、频控、免打扰与模板 / Manage channel credentials, caps, quiet hours and templates',
  'benefits:read': '查看权益、会员可用权益与节省金额 / Read benefits, members’ entitlements and savings',
  'benefits:use': '使用与撤销会员权益、权益报价 / Use and undo members’ benefits, quote carts',
  'benefits:grant': '活动发放与收回权益 / Grant and revoke benefits for campaigns',
  'benefits:manage': '权益目录 / Manage the benefits catalogue',
  'journeys:read': '查看自动化旅程与效果 / Read journeys, their entries and stats',
  'journeys:write': '编辑、发布、暂停与停止旅程 / Edit, publish, pause and stop journeys',
  'journeys:enter': '把会员放入旅程（接口触发） / Enter members into a journey (API trigger)',
  'games:read': '查看抽奖、中奖与签到 / Read lotteries, entries, winners and check-in stats',
  'games:manage': '创建抽奖、开奖、奖品发货与签到设置 / Create lotteries, draw them, ship prizes, set check-in rewards',
  'games:enter': '为会员抽奖与签到（接口） / Enter lotteries and check in for members (API)',
  'experience:read': '查看体验官活动、申请人、发货与反馈报告 / Read experience-officer programs, applicants, shipments and feedback reports',
  'experience:manage': '管理体验官活动、确认入选与发货 / Manage experience-officer programs, confirm selections and shipments',
  'contests:read': '查看评选大赛、作品与获奖 / Read contests, entries and winners',
  'contests:manage': '创建评选大赛、审核作品、评委打分与评奖 / Create contests, moderate entries, jury scores and finalize',
  'member_days:read': '查看会员日、日期与效果 / Read member days, their dates and stats',
  'member_days:manage': '创建与编辑会员日 / Create and edit member days',
  'events:read': '查看活动、报名与统计 / Read events, registrations and stats',
  'events:manage': '创建、编辑、发布与取消活动 / Create, edit, publish and cancel events',
  'events:register': '为会员报名、取消报名、确认线下收款 / Register members, cancel registrations, confirm counter payments',
  'events:checkin': '活动签到（扫码核验门票） / Check tickets in at the door',
  'referrals:read': '查看推荐有礼规则、案例与漏斗 / Read referral rules, cases and the funnel',
  'referrals:write': '登记受邀入会（接口） / Link new members to their referrer (API)',
  'referrals:manage': '设置推荐规则、审核可疑推荐 / Set referral rules, review suspicious referrals',
  'distribution:read': '查看分销员、佣金与提现 / Read promoters, commission and withdrawals',
  'distribution:write': '登记分销员申请、推广访问与提现申请（接口） / Record promoter applications, link visits and withdrawal requests (API)',
  'distribution:manage': '设置佣金方案、审核分销员与提现、记录打款 / Set the commission plan, approve promoters and withdrawals, record payouts',
  'item_codes:read': '查看一物一码批次与风险标记 / Read code batches and scan flags',
  'item_codes:manage': '生成、导出、激活与停用一物一码批次 / Generate, export, activate and deactivate code batches',
  'content:read': '查看内容库与阅读分享统计 / Read the content library and its view and share stats',
  'content:manage': '编辑、发布与下架内容 / Edit, publish and archive content',
  'recommendations:read': '查看商品推荐与设置 / Read product recommendations and their settings',
  'recommendations:manage': '设置商品推荐、重算统计 / Set product recommendations, rebuild the statistics',
  'service:read': '查看售后工单与 SLA / Read after-sales tickets and their SLA',
  'service:manage': '受理、处理、指派与回复售后工单，SLA 设置 / Handle, assign and answer after-sales tickets, set SLA hours',
  'guides:read': '查看导购、会员归属、任务与排行 / Read guides, their members, tasks and the leaderboard',
  'guides:work': '导购工作台：自己的会员、任务、一对一消息 / Guide workbench: own members, tasks and 1-to-1 messages',
  'guides:manage': '管理导购、分配会员、任务规则与转化设置 / Manage guides, assign members, task rules and conversion settings',
  'wecom:read': '查看企业微信员工、客户与客户群 / Read WeCom staff, contacts and customer groups',
  'wecom:manage': '设置企业微信与同步 / Set up and sync WeCom',
  'wecom:send': '通过企业微信发送一对一与群发任务 / Send WeCom 1-to-1 and group message tasks',
} as const;
export type Permission = keyof typeof permissionCatalogue;
export const allPermissions = Object.keys(permissionCatalogue) as Permission[];

const readOnly: Permission[] = ['stores:read', 'jobs:read', 'audit:read', 'members:read', 'products:read', 'orders:read', 'points:read', 'membership:read', 'analytics:read', 'segments:read', 'tiers:read', 'coupons:read', 'partners:read', 'pricing:read', 'messaging:read', 'benefits:read', 'journeys:read', 'games:read', 'experience:read', 'member_days:read', 'events:read', 'referrals:read', 'contests:read', 'content:read', 'distribution:read', 'item_codes:read', 'recommendations:read', 'service:read', 'guides:read', 'wecom:read'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: allPermissions,
  admin: allPermissions.filter((p) => p !== 'tenant:manage'),
  // Operators run campaigns on masked data; seeing or erasing personal data stays with admins (PIPL:
  // the fewest people who need it).
  operator: ['stores:read', 'stores:write', 'jobs:read', 'jobs:write', 'members:read', 'members:write', 'tags:manage', 'events:write', 'member_codes:verify', 'products:read', 'products:write', 'orders:read', 'orders:write', 'points:read', 'points:write', 'points:manage', 'membership:read', 'membership:write', 'analytics:read', 'segments:read', 'segments:write', 'segments:export', 'tiers:read', 'tiers:manage', 'tiers:assign', 'coupons:read', 'coupons:issue', 'coupons:redeem', 'coupons:manage', 'partners:read', 'partners:manage', 'partners:allocate', 'pricing:read', 'pricing:manage', 'pricing:sell', 'messaging:read', 'messaging:send', 'messaging:manage', 'benefits:read', 'benefits:use', 'benefits:grant', 'benefits:manage', 'journeys:read', 'journeys:write', 'journeys:enter', 'games:read', 'games:manage', 'games:enter', 'experience:read', 'experience:manage', 'member_days:read', 'member_days:manage', 'events:read', 'events:manage', 'events:register', 'events:checkin', 'referrals:read', 'referrals:write', 'referrals:manage', 'contests:read', 'contests:manage', 'content:read', 'content:manage', 'distribution:read', 'distribution:write', 'distribution:manage', 'item_codes:read', 'item_codes:manage', 'recommendations:read', 'recommendations:manage', 'service:read', 'service:manage', 'guides:read', 'guides:work', 'guides:manage', 'wecom:read', 'wecom:manage', 'wecom:send'],
  analyst: [...readOnly, 'segments:export'],
  // At the counter staff register and find members; numbers stay masked.
  store_staff: ['stores:read', 'members:read', 'members:write', 'member_codes:verify', 'products:read', 'orders:read', 'orders:write', 'points:read', 'points:write', 'membership:read', 'membership:write', 'tiers:read', 'coupons:read', 'coupons:redeem', 'partners:read', 'partners:allocate', 'pricing:read', 'pricing:sell', 'benefits:read', 'benefits:use', 'games:read', 'games:enter', 'events:read', 'events:register', 'events:checkin', 'referrals:read', 'referrals:write', 'item_codes:read', 'recommendations:read', 'service:read', 'service:manage', 'guides:work'],
};

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(permissionCatalogue, value);
}
