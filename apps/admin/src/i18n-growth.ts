// Console strings of the growth pages — referrals (推荐有礼) and two-level distribution (分销) — zh-CN first;
// merged into i18n.ts as `referrals` and `distribution`.

export const referralsZh = {
  nav: '推荐有礼', title: '推荐有礼', tabs: { rules: '规则', review: '审核队列', cases: '推荐记录', funnel: '转化漏斗' },
  enabled: '启用推荐有礼', minOrder: '首单最低实付（元）', minOrderHint: '受邀会员入会后的第一笔实付不低于此金额的订单才算首单', returnWindow: '退货期（天）', returnWindowHint: '首单过了退货期才发放奖励',
  joinWindow: '填写邀请码时限（小时）', joinWindowHint: '注册后多少小时内还能填写邀请码', monthlyLimit: '每位推荐人每月奖励上限', monthlyLimitHint: '按品牌时区的自然月计；留空为不限。超过后推荐人不再得奖励，新会员照常得奖励', unlimited: '不限',
  referrerReward: '推荐人奖励', refereeReward: '新会员奖励', points: '积分', coupon: '优惠券', noCoupon: '不发券',
  fraud: '防作弊', burst: '同一推荐人 1 小时内入会超过（人）', burstHint: '超过即进入人工审核', fraudAlways: '以下情况始终进入人工审核，审核通过前不发奖励：',
  flags: { same_phone: '与推荐人手机号相同', same_device: '设备与推荐人或其他受邀人相同', same_address: '收货地址与其他受邀人相同', burst: '短时间内大量入会' },
  newMember: '新会员', referrer: '推荐人', joinedAt: '入会时间', order: '首单', ordered: '已下单', noOrder: '未下单', qualifiesAt: '可发放时间', rewardedAt: '发放时间', flagsCol: '可疑原因', rewards: '奖励',
  side: { referrer: '推荐人', referee: '新会员' }, rewardStatus: { fulfilled: '已发放', failed: '发放失败', limited: '超出月上限' },
  status: { joined: '已入会', ordered: '已下首单', rewarded: '已发奖励', canceled: '已取消', pending_review: '待审核', rejected: '已驳回' },
  approve: '通过', reject: '驳回', approveTitle: '通过这条推荐？', rejectTitle: '驳回这条推荐？', approveHint: '首单退货期已过时立即发放奖励，否则回到等待状态', rejectHint: '驳回后不发放任何奖励', note: '审核备注', approved: '已通过', rejected: '已驳回', reviewEmpty: '没有待审核的推荐', casesEmpty: '还没有推荐记录', reviewNote: '审核备注',
  referrerFilter: '推荐人会员 ID', settle: '立即结算', settled: '已结算 {{count}} 条',
  funnel: { shares: '分享', clicks: '点击', joins: '入会', first_orders: '首单', rewarded: '已发奖励', in_review: '审核中', canceled: '取消/驳回', rate: '较上一步 {{rate}}', period: '统计期间' },
  errors: { REFERRAL_EXISTS: '该会员已被推荐过', REFERRAL_REFUSED: '推荐被拒绝', REFERRALS_DISABLED: '推荐有礼已关闭', NOT_FOUND: '找不到该记录', VALIDATION_FAILED: '填写有误', REFERRAL_NOT_IN_REVIEW: '这条推荐已不在审核中，请刷新', MEMBER_NOT_ACTIVE: '会员不是正常状态' },
};

export const referralsEn: typeof referralsZh = {
  nav: 'Referrals', title: 'Referrals', tabs: { rules: 'Rules', review: 'Review queue', cases: 'Cases', funnel: 'Funnel' },
  enabled: 'Referrals on', minOrder: 'Minimum first order (¥)', minOrderHint: 'The new member’s first order after joining must pay at least this much', returnWindow: 'Return window (days)', returnWindowHint: 'Rewards are paid once the first order can no longer be returned',
  joinWindow: 'Code entry window (hours)', joinWindowHint: 'How long after registering a member may still enter an invite code', monthlyLimit: 'Rewards per referrer per month', monthlyLimitHint: 'Calendar month in the brand’s zone; empty for no limit. Past it the referrer gets nothing more; the new member is still rewarded', unlimited: 'No limit',
  referrerReward: 'Referrer reward', refereeReward: 'New member reward', points: 'Points', coupon: 'Coupon', noCoupon: 'No coupon',
  fraud: 'Fraud checks', burst: 'Joins through one referrer in an hour, at most', burstHint: 'More than this goes to review', fraudAlways: 'These always go to review, and nothing is paid until approved:',
  flags: { same_phone: 'Same phone as the referrer', same_device: 'Device of the referrer or another invitee', same_address: 'Address of another invitee', burst: 'Burst of joins' },
  newMember: 'New member', referrer: 'Referrer', joinedAt: 'Joined', order: 'First order', ordered: 'Ordered', noOrder: 'No order yet', qualifiesAt: 'Payable from', rewardedAt: 'Rewarded', flagsCol: 'Why flagged', rewards: 'Rewards',
  side: { referrer: 'Referrer', referee: 'New member' }, rewardStatus: { fulfilled: 'Paid', failed: 'Failed', limited: 'Over monthly limit' },
  status: { joined: 'Joined', ordered: 'First order', rewarded: 'Rewarded', canceled: 'Canceled', pending_review: 'In review', rejected: 'Rejected' },
  approve: 'Approve', reject: 'Reject', approveTitle: 'Approve this referral?', rejectTitle: 'Reject this referral?', approveHint: 'Pays at once if the first order’s return window has closed, otherwise it waits again', rejectHint: 'Nothing will be paid', note: 'Review note', approved: 'Approved', rejected: 'Rejected', reviewEmpty: 'Nothing waits for review', casesEmpty: 'No referrals yet', reviewNote: 'Review note',
  referrerFilter: 'Referrer member id', settle: 'Settle now', settled: '{{count}} settled',
  funnel: { shares: 'Shares', clicks: 'Clicks', joins: 'Joins', first_orders: 'First orders', rewarded: 'Rewarded', in_review: 'In review', canceled: 'Canceled / rejected', rate: '{{rate}} of the step before', period: 'Period' },
  errors: { REFERRAL_EXISTS: 'This member was already referred', REFERRAL_REFUSED: 'Referral refused', REFERRALS_DISABLED: 'Referrals are switched off', NOT_FOUND: 'Not found', VALIDATION_FAILED: 'Please check the input', REFERRAL_NOT_IN_REVIEW: 'This referral is no longer in review; refresh', MEMBER_NOT_ACTIVE: 'The member is not active' },
};

export const distributionZh = {
  nav: '分销', title: '分销', tabs: { plan: '佣金方案', promoters: '分销员', commissions: '佣金明细', withdrawals: '提现' },
  enabled: '启用分销', attributionDays: '归因期（天）', attributionHint: '买家打开分销员链接后多少天内下单算该分销员的', returnWindow: '退货期（天）', returnWindowHint: '订单过了退货期佣金才结算', minWithdrawal: '最低提现金额（元）', autoTiers: '自动成为分销员的等级', autoTiersHint: '这些等级的会员无需申请',
  level1: '一级佣金（成交分销员）', level2: '二级佣金（其招募人）', level2On: '启用二级佣金', defaultRate: '默认佣金比例（%）', byCategory: '按品类', bySku: '按 SKU', category: '品类', sku: 'SKU', rate: '比例（%）', addRate: '添加', rateHint: 'SKU 比例优先，其次是商品所属最细的品类，最后是默认比例',
  twoLevels: '佣金最多两级', twoLevelsHint: '依据《禁止传销条例》，多于两级计酬可能构成传销，因此无法设置第三级佣金，分销员也不能在已有上级的分销员名下招募。', thirdLevel: '第三级（不可设置）',
  member: '会员', code: '推广码', recruiter: '上级（招募人）', noRecruiter: '无（顶级）', level: '层级', levelTop: '顶级', levelSub: '下级', source: '来源', sources: { application: '申请', tier: '等级自动' }, appliedAt: '申请时间', approvedAt: '通过时间',
  status: { applied: '待审核', approved: '已通过', rejected: '已驳回', suspended: '已暂停' },
  approve: '通过', reject: '驳回', suspend: '暂停', confirm: '确定{{action}}吗？', dashboard: '看板', dashboardTitle: '分销员看板 · {{who}}', promotersEmpty: '还没有分销员',
  clicks: '点击', orders: '推广订单', pending: '待结算', settled: '已结算', withdrawn: '已提现', available: '可提现',
  promoter: '分销员', order: '订单', levelN: '{{n}} 级', kind: '类型', kinds: { accrual: '计提', reversal: '冲回（退款）' }, amount: '金额', settlesAt: '结算时间', createdAt: '发生时间', commissionsEmpty: '还没有佣金',
  commissionStatus: { pending: '待结算', settled: '已结算' }, promoterFilter: '分销员会员 ID', orderFilter: '订单 ID', settle: '立即结算', settledCount: '已结算 {{count}} 条',
  withdrawalStatus: { requested: '待审核', approved: '待打款', paid: '已打款', rejected: '已驳回' }, requestedAt: '申请时间', decidedAt: '审核时间', paidAt: '打款时间', payoutRef: '打款流水号', pay: '记录打款', payTitle: '记录打款', withdrawalsEmpty: '还没有提现申请',
  errors: { DISTRIBUTION_THIRD_LEVEL: '佣金最多两级', NOT_FOUND: '找不到该记录', VALIDATION_FAILED: '填写有误', PROMOTER_TRANSITION_REFUSED: '分销员当前状态不能这样操作，请刷新', WITHDRAWAL_TRANSITION_REFUSED: '提现当前状态不能这样操作，请刷新', COMMISSION_INSUFFICIENT: '可提现余额不足' },
};

export const distributionEn: typeof distributionZh = {
  nav: 'Distribution', title: 'Distribution', tabs: { plan: 'Commission plan', promoters: 'Promoters', commissions: 'Commission', withdrawals: 'Withdrawals' },
  enabled: 'Distribution on', attributionDays: 'Attribution (days)', attributionHint: 'An order counts for the promoter whose link the buyer opened within this many days', returnWindow: 'Return window (days)', returnWindowHint: 'Commission settles once the order can no longer be returned', minWithdrawal: 'Minimum withdrawal (¥)', autoTiers: 'Tiers that are promoters automatically', autoTiersHint: 'Members of these tiers need not apply',
  level1: 'Level 1 (the selling promoter)', level2: 'Level 2 (their recruiter)', level2On: 'Pay level 2', defaultRate: 'Default rate (%)', byCategory: 'By category', bySku: 'By SKU', category: 'Category', sku: 'SKU', rate: 'Rate (%)', addRate: 'Add', rateHint: 'A SKU rate wins, then the product’s most specific category, then the default',
  twoLevels: 'At most two levels', twoLevelsHint: 'Under China’s anti-pyramid-selling regulation (禁止传销条例) commission over more than two levels can be a pyramid scheme, so a third level cannot be set and nobody can be recruited under a promoter who has a recruiter.', thirdLevel: 'Level 3 (not allowed)',
  member: 'Member', code: 'Code', recruiter: 'Recruiter', noRecruiter: 'None (top)', level: 'Level', levelTop: 'Top', levelSub: 'Recruited', source: 'Source', sources: { application: 'Application', tier: 'Tier' }, appliedAt: 'Applied', approvedAt: 'Approved',
  status: { applied: 'Applied', approved: 'Approved', rejected: 'Rejected', suspended: 'Suspended' },
  approve: 'Approve', reject: 'Reject', suspend: 'Suspend', confirm: '{{action}}?', dashboard: 'Dashboard', dashboardTitle: 'Promoter dashboard · {{who}}', promotersEmpty: 'No promoters yet',
  clicks: 'Clicks', orders: 'Orders', pending: 'Pending', settled: 'Settled', withdrawn: 'Withdrawn', available: 'Available',
  promoter: 'Promoter', order: 'Order', levelN: 'Level {{n}}', kind: 'Kind', kinds: { accrual: 'Accrual', reversal: 'Reversal (refund)' }, amount: 'Amount', settlesAt: 'Settles', createdAt: 'At', commissionsEmpty: 'No commission yet',
  commissionStatus: { pending: 'Pending', settled: 'Settled' }, promoterFilter: 'Promoter member id', orderFilter: 'Order id', settle: 'Settle now', settledCount: '{{count}} settled',
  withdrawalStatus: { requested: 'Requested', approved: 'To pay', paid: 'Paid', rejected: 'Rejected' }, requestedAt: 'Requested', decidedAt: 'Decided', paidAt: 'Paid', payoutRef: 'Transfer reference', pay: 'Record payout', payTitle: 'Record payout', withdrawalsEmpty: 'No withdrawals yet',
  errors: { DISTRIBUTION_THIRD_LEVEL: 'Commission is paid over at most two levels', NOT_FOUND: 'Not found', VALIDATION_FAILED: 'Please check the input', PROMOTER_TRANSITION_REFUSED: 'The promoter’s status does not allow this; refresh', WITHDRAWAL_TRANSITION_REFUSED: 'The withdrawal’s status does not allow this; refresh', COMMISSION_INSUFFICIENT: 'Not enough available balance' },
};
