// Member-center strings of the promoter center (分销员中心), zh-CN first; merged into i18n.ts as `promoter`.

export const promoterZh = {
  title: '分销员中心', intro: '成为分销员，分享商品链接，好友通过你的链接下单即可获得佣金。', recruiterCode: '推荐人分销码（选填）', apply: '申请成为分销员', applied: '申请已提交，请等待审核',
  status: { applied: '审核中', approved: '已通过', rejected: '未通过', suspended: '已暂停' }, statusHint: { applied: '我们会尽快审核你的申请', approved: '', rejected: '很遗憾，你的申请未通过', suspended: '你的分销资格已暂停，如有疑问请联系客服' },
  myCode: '我的分销码', copy: '复制分享链接', copied: '分享链接已复制',
  clicks: '访问', orders: '订单', pending: '待结算', settled: '已结算', withdrawn: '已提现', available: '可提现',
  commissions: '我的佣金', noCommissions: '还没有佣金记录', more: '加载更多', level: { 1: '直接推广', 2: '团队推广' }, kind: { accrual: '佣金', reversal: '退款扣回' }, entryStatus: { pending: '待结算', settled: '已结算' }, settlesAt: '{{date}} 结算',
  withdraw: '申请提现', amount: '提现金额（元）', minimum: '最低提现 {{min}}，当前可提现 {{available}}', submitWithdrawal: '提交提现申请', withdrawalSent: '提现申请已提交',
  withdrawals: '提现记录', noWithdrawals: '还没有提现记录', withdrawalStatus: { requested: '审核中', approved: '已批准，待打款', paid: '已打款', rejected: '已拒绝' }, requestedAt: '{{date}} 申请',
  badAmount: '请输入正确的金额（最多两位小数）',
  errors: { below_minimum: '提现金额不能低于 {{min}}', insufficient: '可提现余额不足（当前可提现 {{available}}）', PROMOTER_NOT_APPROVED: '分销资格未通过审核，暂不能提现', DISTRIBUTION_THIRD_LEVEL: '该推荐人已是二级分销员，不能再发展下级', own_code: '不能填写自己的分销码', unknown: '分销码不正确' },
};

export const promoterEn: typeof promoterZh = {
  title: 'Promoter center', intro: 'Become a promoter: share product links and earn commission on what friends buy through them.', recruiterCode: 'Recruiter’s promoter code (optional)', apply: 'Apply as promoter', applied: 'Application sent; we will review it',
  status: { applied: 'Under review', approved: 'Approved', rejected: 'Not approved', suspended: 'Suspended' }, statusHint: { applied: 'We will review your application soon', approved: '', rejected: 'Sorry, your application was not approved', suspended: 'Your promoter status is suspended; contact us with any questions' },
  myCode: 'My promoter code', copy: 'Copy share link', copied: 'Share link copied',
  clicks: 'Visits', orders: 'Orders', pending: 'Pending', settled: 'Settled', withdrawn: 'Withdrawn', available: 'Available',
  commissions: 'My commission', noCommissions: 'No commission yet', more: 'Load more', level: { 1: 'My sale', 2: 'My team’s sale' }, kind: { accrual: 'Commission', reversal: 'Refund' }, entryStatus: { pending: 'Pending', settled: 'Settled' }, settlesAt: 'Settles {{date}}',
  withdraw: 'Withdraw', amount: 'Amount (yuan)', minimum: 'Minimum {{min}}; available {{available}}', submitWithdrawal: 'Request withdrawal', withdrawalSent: 'Withdrawal requested',
  withdrawals: 'Withdrawals', noWithdrawals: 'No withdrawals yet', withdrawalStatus: { requested: 'Under review', approved: 'Approved, to be paid', paid: 'Paid', rejected: 'Rejected' }, requestedAt: 'Requested {{date}}',
  badAmount: 'Enter an amount in yuan (at most two decimals)',
  errors: { below_minimum: 'The minimum withdrawal is {{min}}', insufficient: 'Not enough available ({{available}} can be withdrawn)', PROMOTER_NOT_APPROVED: 'Withdrawals open once you are approved', DISTRIBUTION_THIRD_LEVEL: 'That recruiter is already a second-level promoter', own_code: 'This is your own promoter code', unknown: 'That promoter code is not right' },
};
