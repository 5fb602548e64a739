// Console strings of the lottery (抽奖) and check-in (签到) pages, zh-CN first; merged into i18n.ts as `games`.

export const gamesZh = {
  lotteries: {
    title: '抽奖', create: '新建抽奖', empty: '还没有抽奖活动', name: '活动名称', description: '说明', mode: '玩法', window: '活动时间', drawAt: '开奖时间',
    cost: '每次消耗积分', free: '免费', dailyLimit: '每人每天次数', totalLimit: '每人总次数', deviceLimit: '每台设备每天次数', eligibility: '参与资格',
    entries: '参与次数', winners: '中奖数', seedHash: '种子承诺 (SHA-256)', seed: '已公开种子', noPrize: '未中奖概率', unlimited: '不限',
    modes: { instant: '即开即中', scheduled: '定时开奖' },
    status: { open: '进行中', closed: '已结束', drawn: '已开奖' },
    close: '结束活动', closeConfirm: '结束后不能再参与，即开型抽奖会公开种子。确定吗？', draw: '开奖', drawConfirm: '按已承诺的种子开奖，结果不可更改。确定吗？', drawn: '已开奖',
    verify: '公平性校验', verifyHint: '任何人都可以用公开的种子和参与名单重新计算每一次结果：', verifyOk: 'SHA-256(种子) 与活动开始时公布的承诺一致',
    prizes: '奖品', prize: '奖品', addPrize: '添加奖品', kind: '类型', probability: '中奖概率 (%)', stock: '库存', remaining: '剩余', won: '已中出', points: '积分数', couponTemplate: '优惠券模板', partnerBenefit: '异业权益',
    kinds: { points: '积分', coupon: '优惠券', partner_code: '异业券码', physical: '实物' },
    probabilityTooHigh: '各奖品概率之和不能超过 100%',
    tabs: { prizes: '奖品与库存', entries: '参与记录', winners: '中奖与发货' },
    entry: { seq: '序号', member: '会员', day: '日期', result: '结果', device: '设备', time: '时间', results: { pending: '待开奖', won: '中奖', lost: '未中奖' } },
  },
  wins: {
    status: { pending: '发放中', fulfilled: '已发放', failed: '发放失败', pending_address: '待填地址', ready: '待发货', shipped: '已发货', delivered: '已签收' },
    recipient: '收件人', address: '地址', carrier: '快递公司', trackingNo: '运单号', ship: '发货', deliver: '确认签收', retry: '重新发放', reveal: '查看完整地址', error: '失败原因', filter: '发货状态',
  },
  checkin: {
    title: '签到', settings: '签到设置', enabled: '开启每日签到', dailyPoints: '每日签到积分', streakRewards: '连续签到奖励', addReward: '添加奖励',
    day: '连续天数', points: '奖励积分', coupon: '奖励优惠券', rewardHint: '连续签到达到该天数的当天发放；断签后从 1 天重新计算（按品牌时区的自然日）',
    stats: '签到数据', range: '最近 {{days}} 天', members: '签到会员数', rewardsGiven: '发放奖励次数', perDay: '每日签到人数', currentStreaks: '当前连续签到分布', streak: '连续天数', count: '人数', empty: '暂无签到',
  },
};

export const gamesEn: typeof gamesZh = {
  lotteries: {
    title: 'Lotteries', create: 'New lottery', empty: 'No lotteries yet', name: 'Name', description: 'Description', mode: 'Mode', window: 'Runs', drawAt: 'Draw at',
    cost: 'Points per entry', free: 'Free', dailyLimit: 'Entries per member per day', totalLimit: 'Entries per member in all', deviceLimit: 'Entries per device per day', eligibility: 'Who may enter',
    entries: 'Entries', winners: 'Winners', seedHash: 'Seed commitment (SHA-256)', seed: 'Revealed seed', noPrize: 'No-prize share', unlimited: 'Unlimited',
    modes: { instant: 'Instant win', scheduled: 'Scheduled draw' },
    status: { open: 'Open', closed: 'Closed', drawn: 'Drawn' },
    close: 'Close', closeConfirm: 'Nobody can enter afterwards, and an instant lottery’s seed is revealed. Continue?', draw: 'Draw', drawConfirm: 'Draw with the committed seed; the result is final. Continue?', drawn: 'Drawn',
    verify: 'Verify fairness', verifyHint: 'Anyone can recompute every outcome from the revealed seed and the entry list:', verifyOk: 'SHA-256(seed) matches the commitment published at the start',
    prizes: 'Prizes', prize: 'Prize', addPrize: 'Add prize', kind: 'Kind', probability: 'Chance (%)', stock: 'Stock', remaining: 'Left', won: 'Won', points: 'Points', couponTemplate: 'Coupon template', partnerBenefit: 'Partner benefit',
    kinds: { points: 'Points', coupon: 'Coupon', partner_code: 'Partner code', physical: 'Physical item' },
    probabilityTooHigh: 'The chances add up to more than 100%',
    tabs: { prizes: 'Prizes & stock', entries: 'Entries', winners: 'Winners & shipping' },
    entry: { seq: 'No.', member: 'Member', day: 'Day', result: 'Result', device: 'Device', time: 'Time', results: { pending: 'Pending', won: 'Won', lost: 'No prize' } },
  },
  wins: {
    status: { pending: 'Issuing', fulfilled: 'Issued', failed: 'Failed', pending_address: 'Awaiting address', ready: 'To ship', shipped: 'Shipped', delivered: 'Delivered' },
    recipient: 'Recipient', address: 'Address', carrier: 'Carrier', trackingNo: 'Tracking no.', ship: 'Ship', deliver: 'Mark delivered', retry: 'Retry', reveal: 'Show full address', error: 'Reason', filter: 'Shipping status',
  },
  checkin: {
    title: 'Check-in', settings: 'Check-in settings', enabled: 'Daily check-in on', dailyPoints: 'Points per check-in', streakRewards: 'Streak rewards', addReward: 'Add reward',
    day: 'Streak day', points: 'Points', coupon: 'Coupon', rewardHint: 'Given on the day the streak reaches this length; a missed day starts again at 1 (days in the brand’s time zone)',
    stats: 'Check-in stats', range: 'Last {{days}} days', members: 'Members who checked in', rewardsGiven: 'Rewards given', perDay: 'Check-ins per day', currentStreaks: 'Current streaks', streak: 'Streak', count: 'Members', empty: 'No check-ins yet',
  },
};
