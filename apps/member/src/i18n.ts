import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { contentEn, contentZh, quizzesEn, quizzesZh } from './i18n-content.ts';
import { contestsEn, contestsZh } from './i18n-contests.ts';
import { experienceEn, experienceZh } from './i18n-experience.ts';
import { inviteEn, inviteZh } from './i18n-invite.ts';
import { memberDaysEn, memberDaysZh } from './i18n-member-days.ts';
import { promoterEn, promoterZh } from './i18n-promoter.ts';
import { recommendationsEn, recommendationsZh } from './i18n-recommendations.ts';
import { scanEn, scanZh } from './i18n-scan.ts';
import { serviceEn, serviceZh } from './i18n-service.ts';

const zhCN = {
  app: { title: '会员中心', language: 'English' },
  nav: { home: '会员卡', points: '积分', coupons: '优惠券', me: '我的' },
  groupFull: { text: '本渠道的社群暂时都已满员，我们会尽快开新群。先看看会员中心的福利吧。', close: '关闭' },
  common: { loading: '加载中…', retry: '重试', confirm: '确定', cancel: '取消', save: '保存', back: '返回', empty: '暂无内容', error: '出错了：{{message}}', offline: '网络不可用，显示的是离线会员码' },
  signIn: {
    title: '登录会员中心', subtitle: '登录后查看会员卡、积分与优惠券', phone: '手机号', phonePlaceholder: '请输入 11 位手机号', code: '验证码', codePlaceholder: '6 位数字验证码',
    sendCode: '获取验证码', resend: '{{seconds}} 秒后重发', submit: '登录 / 注册', wechat: '微信一键登录', agree: '未注册的手机号登录后将自动成为会员',
    sent: '验证码已发送', errors: { invalid_phone: '手机号格式不正确', wrong_code: '验证码不正确', no_live_code: '验证码已失效，请重新获取', resend_too_soon: '发送太频繁，请稍后再试', too_many_codes: '今日获取次数过多，请稍后再试', locked: '错误次数过多，请 15 分钟后再试', unknown_brand: '品牌不存在' },
  },
  card: {
    title: '会员卡', memberNo: '会员号', showAtCounter: '结账时出示会员码', refreshIn: '{{seconds}} 秒后自动刷新', points: '可用积分', worth: '价值 {{value}}', coupons: '张可用券', paid: '付费会员',
    qrLabel: '动态会员码，每分钟刷新', expiring: '{{points}} 积分将于 {{date}} 过期', links: { points: '积分明细', tier: '会员等级', coupons: '我的优惠券', events: '活动报名', plan: '权益与付费会员', experience: '体验官招募', contests: '评选大赛', content: '精选内容', invite: '邀请有礼', promoter: '分销员中心', scan: '扫码验真', service: '售后服务', inbox: '消息', profile: '个人资料与隐私', draw: '幸运抽奖', quizzes: '答题闯关' },
  },
  points: {
    title: '我的积分', available: '可用积分', worth: '价值 {{value}}', pending: '待生效', held: '冻结中', expiring: '即将过期', expiringLine: '{{points}} 积分（价值 {{value}}）将于 {{date}} 过期', spendNow: '去兑换',
    ledger: '积分明细', rewards: '积分兑换', redeem: '兑换', redeemConfirm: '确定用 {{points}} 积分兑换「{{name}}」？', redeemed: '兑换成功，剩余 {{balance}} 积分', notEnough: '积分不足：还差 {{missing}} 积分', outOfStock: '已兑完',
    kinds: { earn: '消费获得', spend: '兑换使用', hold: '抵现冻结', capture: '抵现使用', release: '冻结退回', clawback: '退款扣回', expire: '过期', adjust: '调整', merge: '账户合并', partner: '合作伙伴' },
  },
  tier: { title: '会员等级', current: '当前等级', validUntil: '有效期至 {{date}}', permanent: '长期有效', next: '升级到 {{tier}}', keep: '保级 {{tier}}', reached: '已达成', top: '您已是最高等级', benefits: '各等级权益', noBenefits: '暂无权益', multiplier: '积分 {{x}} 倍', or: '或' },
  coupons: {
    title: '我的优惠券', available: '可使用', used: '已使用', expired: '已过期', validUntil: '有效期至 {{date}}', startsAt: '{{date}} 起可用', use: '去使用', rules: '使用规则', code: '券码', showQr: '到店出示二维码核销',
    usedAt: '已于 {{date}} 使用', none: '暂无优惠券', qrLabel: '优惠券二维码 {{code}}',
  },
  partners: {
    title: '联盟权益', claim: '领取', soldOut: '已领完', copy: '复制', copied: '已复制，可到合作方 App 兑换',
    periods: { once: '限领一次', day: '每天可领一次', week: '每周可领一次', month: '每月可领一次', year: '每年可领一次' },
    status: { allocated: '已领取', pending: '发放中，请稍后刷新查看', delivered: '已发放到您在合作方的账户', failed: '发放未成功，请联系客服' },
    errors: { MEMBER_NOT_ELIGIBLE: '该权益仅限指定会员领取', PARTNER_POOL_EXHAUSTED: '已领完', PARTNER_BENEFIT_PAUSED: '该权益暂停领取' },
  },
  plan: {
    title: '权益与付费会员', myPlan: '我的付费会员', none: '您还不是付费会员', until: '权益有效期至 {{date}}', autoRenew: '自动续费', cancelAutoRenew: '取消自动续费', cancelConfirm: '取消后当前周期内权益照常享受，到期后不再续费。确定取消？',
    canceled: '已取消自动续费', buy: '立即开通', renew: '续费', price: '{{price}}/{{period}}', periods: { month: '月', quarter: '季', year: '年' }, trial: '可免费试用 {{days}} 天',
    payAtCounter: '订单已创建（{{amount}}），请到门店柜台付款，店员确认后即刻生效', payWechat: '微信支付', payOffline: '到店付款', pending: '待付款：{{amount}}',
    benefits: '我的权益', tierBenefits: '等级权益（{{tier}}）', savings: '本年已为您节省 {{value}}', noBenefits: '暂无可用权益', remaining: '剩余 {{n}} 次', unlimited: '不限次数',
  },
  profile: {
    title: '个人资料', name: '姓名', nickname: '昵称', gender: '性别', genders: { male: '男', female: '女', unknown: '保密' }, birthday: '生日', birthdayOnce: '生日仅可设置一次，设置后如需修改请联系门店',
    birthdayLocked: '已设置', email: '邮箱', city: '城市', phone: '手机号', saved: '已保存', consents: '消息订阅', channels: { sms: '短信', email: '邮件', wechat: '微信消息', app_push: 'App 推送', location: '位置信息（到店提醒）' },
    privacy: '隐私与数据', export: '导出我的数据', exportDone: '已生成并下载您的数据', erase: '注销会员并删除个人信息',
    eraseWarning: '注销后：您的姓名、手机号、生日等个人信息将被永久删除，积分、优惠券与付费会员权益将无法再使用，且不可恢复。消费记录会以匿名方式保留用于品牌对账。',
    eraseConfirm: '我已了解，确认注销', erased: '已注销，感谢您的陪伴', logout: '退出登录', memberSince: '{{date}} 加入',
  },
  inbox: { title: '消息', empty: '暂无消息', read: '已读' },
  games: {
    checkin: { title: '每日签到', button: '签到', done: '今日已签到', streak: '已连续签到 {{days}} 天', start: '今天签到开始连续记录', daily: '每次签到得 {{points}} 积分', next: '再签 {{days}} 天可得：{{reward}}', rewardPoints: '{{points}} 积分', rewardCoupon: '优惠券', got: '签到成功，连续 {{days}} 天', gotReward: '签到成功！获得 {{reward}}', month: '本月已签 {{days}} 天' },
    draw: {
      title: '幸运抽奖', none: '暂时没有进行中的抽奖', cost: '每次 {{points}} 积分', free: '免费抽奖', dailyLimit: '每天 {{n}} 次', ends: '{{date}} 截止', prizes: '奖品', chance: '中奖率 {{percent}}%', left: '剩 {{n}} 份',
      enter: '抽一次', scheduled: '参与抽奖', drawAt: '{{date}} 开奖', entered: '已参与，开奖后公布结果', won: '恭喜！您抽中了「{{prize}}」', lost: '很遗憾，没有抽中，下次好运！', noPrize: '谢谢参与', myPrizes: '我的奖品', noPrizes: '还没有中奖记录',
      giveAddress: '填写收货地址', later: '稍后填写', recipient: '收件人', phone: '手机号', address: '详细地址', addressSaved: '地址已保存，我们会尽快发货', tracking: '{{carrier}} {{no}}', fairness: '公平性：种子承诺 {{hash}}',
    },
    winStatus: { pending: '发放中', fulfilled: '已到账', failed: '发放中，请稍后查看', pending_address: '待填写地址', ready: '待发货', shipped: '已发货', delivered: '已签收' },
  },
  events: {
    title: '活动', detail: '活动详情', none: '近期没有活动', myTickets: '我的活动', noTickets: '还没有报名活动', online: '线上活动', free: '免费', points: '{{count}} 积分', memberPrice: '会员价',
    seatsLeft: '剩余 {{count}} 个名额', full: '已满', fullWaitlist: '已满，可候补', register: '立即报名', joinWaitlist: '加入候补', required: '请填写', viewTicket: '查看我的门票', join: '进入直播',
    confirmFen: '报名需支付 {{price}}，名额为您保留一段时间，请到店支付。确定报名吗？', confirmPoints: '报名将扣除 {{price}}。确定报名吗？', cancelUntil: '{{date}} 前可免费取消',
    confirmWechat: '报名需支付 {{price}}，接下来将打开微信支付。确定报名吗？', payWechat: '微信支付 {{price}}', payWechatHint: '待支付 {{price}}：完成微信支付后名额才算确认。', orCounter: '也可以到店支付。',
    more: '加载更多', confirming: '正在确认支付结果…', confirmSlow: '支付结果还在确认中，请稍后刷新查看。', refresh: '刷新', payCanceled: '您取消了支付，名额仍保留至 {{date}}。', payFailed: '支付未成功，请重试或到店支付。',
    paid: '已支付 {{amount}}（{{date}}）', expired: '未在保留时间内支付，名额已释放。', lateRefund: '付款在名额释放后才到账，{{amount}} 已原路退回。',
    eventStatus: { draft: '活动未发布', published: '报名中', canceled: '活动已取消' },
    status: { pending_payment: '待支付', registered: '已报名', waitlisted: '候补中', canceled: '已取消', expired: '已失效' },
    ticket: '我的门票', qrLabel: '活动门票二维码', showAtDoor: '入场时向工作人员出示二维码', checkedInAt: '已于 {{date}} 签到', waitlistPosition: '候补第 {{position}} 位，有名额时会通知您',
    payAtCounter: '请到店支付 {{price}}，支付后名额才算确认。', payPointsHint: '候补转正！确认支付 {{price}} 后名额归您。', payPoints: '用积分支付', holdUntil: '名额保留至 {{date}}', refunded: '已退还 {{amount}}',
    cancel: '取消报名', cancelRefund: '现在取消将全额退款，名额会让给候补的会员。确定取消吗？', cancelNoRefund: '已过免费取消时间，取消后不退款。确定取消吗？',
    feedback: '活动反馈', npsQuestion: '您有多大可能把这个活动推荐给朋友？（0–10）', ratingQuestion: '整体评分', commentPlaceholder: '说说您的感受（选填）', submitFeedback: '提交反馈', feedbackThanks: '感谢您的反馈！', feedbackIncomplete: '请选择推荐意愿和评分',
    errors: { MEMBER_NOT_ELIGIBLE: '抱歉，该活动仅限特定会员报名', EVENT_NOT_OPEN: '活动暂未开放报名', EVENT_FULL: '名额已满', EVENT_STARTED: '活动已开始，不能取消', POINTS_INSUFFICIENT: '积分不足', VALIDATION_FAILED: '请检查填写的内容', FEEDBACK_ALREADY_SUBMITTED: '您已提交过反馈', PAYMENT_PROVIDER_ERROR: '暂时无法发起支付，请稍后重试或到店支付', PROVIDER_NOT_CONFIGURED: '商家暂未开通微信支付，请到店支付', PAYMENT_NOT_PENDING: '这笔报名已无需支付' },
  },
  errors: { POINTS_INSUFFICIENT: '积分不足', REWARD_OUT_OF_STOCK: '已兑完', BIRTHDAY_ALREADY_SET: '生日仅可设置一次', SIGN_IN_THROTTLED: '操作太频繁，请稍后再试', SIGN_IN_CODE_INVALID: '验证码不正确或已失效', UNAUTHENTICATED: '请先登录', LOTTERY_LIMIT_REACHED: '今天的次数用完了，明天再来', LOTTERY_NOT_OPEN: '活动未开始或已结束', LOTTERY_BURST: '点得太快了，稍等一下', MEMBER_NOT_ELIGIBLE: '该活动仅限指定会员参与', CHECKIN_DISABLED: '签到暂未开放', CONTEST_NOT_OPEN: '当前不在投稿或投票时间内', CONTEST_SELF_VOTE: '不能给自己的作品投票', CONTEST_VOTE_LIMIT: '票数已用完', CONFLICT: '您已提交过' },
};

const en: typeof zhCN = {
  app: { title: 'Member center', language: '中文' },
  nav: { home: 'Card', points: 'Points', coupons: 'Coupons', me: 'Me' },
  groupFull: { text: 'Every group of this code is full right now; we will open a new one soon. Meanwhile, here are your member benefits.', close: 'Close' },
  common: { loading: 'Loading…', retry: 'Retry', confirm: 'OK', cancel: 'Cancel', save: 'Save', back: 'Back', empty: 'Nothing here yet', error: 'Something went wrong: {{message}}', offline: 'Offline: showing a saved member code' },
  signIn: {
    title: 'Sign in', subtitle: 'Your member card, points and coupons', phone: 'Mobile number', phonePlaceholder: '11-digit mobile number', code: 'Code', codePlaceholder: '6-digit code',
    sendCode: 'Send code', resend: 'Resend in {{seconds}} s', submit: 'Sign in / Join', wechat: 'Sign in with WeChat', agree: 'A new number becomes a member when it signs in',
    sent: 'Code sent', errors: { invalid_phone: 'Not a valid mobile number', wrong_code: 'The code is not correct', no_live_code: 'The code has expired; get a new one', resend_too_soon: 'Too soon; try again shortly', too_many_codes: 'Too many codes; try again later', locked: 'Too many wrong codes; try again in 15 minutes', unknown_brand: 'Unknown brand' },
  },
  card: {
    title: 'Member card', memberNo: 'Member no.', showAtCounter: 'Show this code at the checkout', refreshIn: 'Refreshes in {{seconds}} s', points: 'Points', worth: 'Worth {{value}}', coupons: 'coupons', paid: 'Paid member',
    qrLabel: 'Dynamic member code, refreshed every minute', expiring: '{{points}} points expire on {{date}}', links: { points: 'Points history', tier: 'Tier', coupons: 'My coupons', events: 'Events', plan: 'Benefits & paid plan', experience: 'Experience officers', contests: 'Contests', content: 'Stories & tips', invite: 'Invite friends', promoter: 'Promoter center', scan: 'Check a product', service: 'After-sales service', inbox: 'Messages', profile: 'Profile & privacy', draw: 'Lucky draw', quizzes: 'Quizzes' },
  },
  points: {
    title: 'My points', available: 'Available', worth: 'Worth {{value}}', pending: 'Pending', held: 'On hold', expiring: 'Expiring soon', expiringLine: '{{points}} points ({{value}}) expire on {{date}}', spendNow: 'Spend them',
    ledger: 'History', rewards: 'Rewards', redeem: 'Redeem', redeemConfirm: 'Redeem “{{name}}” for {{points}} points?', redeemed: 'Redeemed; {{balance}} points left', notEnough: 'Not enough points: {{missing}} more needed', outOfStock: 'Out of stock',
    kinds: { earn: 'Earned', spend: 'Redeemed', hold: 'Held at checkout', capture: 'Used at checkout', release: 'Hold released', clawback: 'Refund', expire: 'Expired', adjust: 'Adjustment', merge: 'Account merge', partner: 'Partner' },
  },
  tier: { title: 'Tier', current: 'Current tier', validUntil: 'Valid until {{date}}', permanent: 'No expiry', next: 'Up to {{tier}}', keep: 'Keep {{tier}}', reached: 'Reached', top: 'You are at the top tier', benefits: 'Benefits by tier', noBenefits: 'No benefits', multiplier: '{{x}}× points', or: 'or' },
  coupons: {
    title: 'My coupons', available: 'Available', used: 'Used', expired: 'Expired', validUntil: 'Valid until {{date}}', startsAt: 'Usable from {{date}}', use: 'Use', rules: 'Rules', code: 'Code', showQr: 'Show the QR code at the store',
    usedAt: 'Used on {{date}}', none: 'No coupons', qrLabel: 'Coupon QR code {{code}}',
  },
  partners: {
    title: 'Partner perks', claim: 'Claim', soldOut: 'All claimed', copy: 'Copy', copied: 'Copied: redeem it in the partner’s app',
    periods: { once: 'Once only', day: 'Once a day', week: 'Once a week', month: 'Once a month', year: 'Once a year' },
    status: { allocated: 'Claimed', pending: 'On its way; refresh in a moment', delivered: 'Delivered to your account with the partner', failed: 'Delivery failed; please contact us' },
    errors: { MEMBER_NOT_ELIGIBLE: 'This perk is for selected members', PARTNER_POOL_EXHAUSTED: 'All claimed', PARTNER_BENEFIT_PAUSED: 'This perk is paused' },
  },
  plan: {
    title: 'Benefits & paid plan', myPlan: 'My paid membership', none: 'You are not a paid member yet', until: 'Benefits until {{date}}', autoRenew: 'Auto-renew', cancelAutoRenew: 'Cancel auto-renew', cancelConfirm: 'Your benefits last until the end of this period and it will not renew. Cancel auto-renew?',
    canceled: 'Auto-renew canceled', buy: 'Join now', renew: 'Renew', price: '{{price}} / {{period}}', periods: { month: 'month', quarter: 'quarter', year: 'year' }, trial: '{{days}}-day free trial',
    payAtCounter: 'Order created ({{amount}}): pay at a store counter; it starts as soon as staff confirm', payWechat: 'WeChat Pay', payOffline: 'Pay at the store', pending: 'Awaiting payment: {{amount}}',
    benefits: 'My benefits', tierBenefits: 'Tier benefits ({{tier}})', savings: 'Saved {{value}} this year', noBenefits: 'No benefits to use yet', remaining: '{{n}} left', unlimited: 'Unlimited',
  },
  profile: {
    title: 'Profile', name: 'Name', nickname: 'Nickname', gender: 'Gender', genders: { male: 'Male', female: 'Female', unknown: 'Prefer not to say' }, birthday: 'Birthday', birthdayOnce: 'The birthday can be set once; ask a store to correct it',
    birthdayLocked: 'Set', email: 'Email', city: 'City', phone: 'Mobile', saved: 'Saved', consents: 'Messages I accept', channels: { sms: 'SMS', email: 'Email', wechat: 'WeChat', app_push: 'App push', location: 'Location (nearby-store offers)' },
    privacy: 'Privacy & data', export: 'Download my data', exportDone: 'Your data was downloaded', erase: 'Close my membership and erase my data',
    eraseWarning: 'Your name, mobile number, birthday and other personal data will be erased for good; points, coupons and paid benefits can no longer be used. This cannot be undone. Purchases stay, anonymised, for the brand’s accounts.',
    eraseConfirm: 'I understand, erase', erased: 'Your membership is closed', logout: 'Sign out', memberSince: 'Member since {{date}}',
  },
  inbox: { title: 'Messages', empty: 'No messages', read: 'Read' },
  games: {
    checkin: { title: 'Daily check-in', button: 'Check in', done: 'Checked in today', streak: '{{days}}-day streak', start: 'Check in today to start a streak', daily: '{{points}} points per check-in', next: '{{days}} more days for {{reward}}', rewardPoints: '{{points}} points', rewardCoupon: 'a coupon', got: 'Checked in: {{days}}-day streak', gotReward: 'Checked in! You got {{reward}}', month: '{{days}} days this month' },
    draw: {
      title: 'Lucky draw', none: 'No draws running right now', cost: '{{points}} points per go', free: 'Free to play', dailyLimit: '{{n}} goes a day', ends: 'Ends {{date}}', prizes: 'Prizes', chance: '{{percent}}% chance', left: '{{n}} left',
      enter: 'Draw now', scheduled: 'Enter the draw', drawAt: 'Drawn on {{date}}', entered: 'You are in; results after the draw', won: 'You won “{{prize}}”!', lost: 'No prize this time — good luck next time!', noPrize: 'Try again', myPrizes: 'My prizes', noPrizes: 'No prizes yet',
      giveAddress: 'Add delivery address', later: 'Later', recipient: 'Recipient', phone: 'Mobile', address: 'Address', addressSaved: 'Address saved; we will ship it soon', tracking: '{{carrier}} {{no}}', fairness: 'Fairness: seed commitment {{hash}}',
    },
    winStatus: { pending: 'Issuing', fulfilled: 'Received', failed: 'Being issued; check back later', pending_address: 'Needs an address', ready: 'To be shipped', shipped: 'Shipped', delivered: 'Delivered' },
  },
  events: {
    title: 'Events', detail: 'Event', none: 'No upcoming events', myTickets: 'My events', noTickets: 'No registrations yet', online: 'Online', free: 'Free', points: '{{count}} points', memberPrice: 'member price',
    seatsLeft: '{{count}} seats left', full: 'Full', fullWaitlist: 'Full, waitlist open', register: 'Register', joinWaitlist: 'Join the waitlist', required: 'Required', viewTicket: 'My ticket', join: 'Join the live session',
    confirmFen: 'The ticket costs {{price}}; your seat is held while you pay at the store. Register?', confirmPoints: 'Registering spends {{price}}. Register?', cancelUntil: 'Free cancellation until {{date}}',
    confirmWechat: 'The ticket costs {{price}}; WeChat Pay opens next. Register?', payWechat: 'Pay {{price}} with WeChat', payWechatHint: 'Awaiting payment of {{price}}: your seat is confirmed once WeChat Pay goes through.', orCounter: 'You can also pay at the store.',
    more: 'Load more', confirming: 'Confirming your payment…', confirmSlow: 'Your payment is still being confirmed; refresh in a moment.', refresh: 'Refresh', payCanceled: 'Payment canceled; your seat is still held until {{date}}.', payFailed: 'The payment did not go through; try again or pay at the store.',
    paid: 'Paid {{amount}} ({{date}})', expired: 'Not paid in time; the seat was released.', lateRefund: 'Your payment arrived after the seat was released; {{amount}} was refunded.',
    eventStatus: { draft: 'Not published', published: 'Open', canceled: 'This event was canceled' },
    status: { pending_payment: 'Awaiting payment', registered: 'Registered', waitlisted: 'Waitlisted', canceled: 'Canceled', expired: 'Lapsed' },
    ticket: 'My ticket', qrLabel: 'Event ticket QR code', showAtDoor: 'Show the QR code at the door', checkedInAt: 'Checked in at {{date}}', waitlistPosition: 'Waitlist position {{position}}; we will tell you when a seat frees up',
    payAtCounter: 'Pay {{price}} at the store to confirm your seat.', payPointsHint: 'A seat freed up! Pay {{price}} to take it.', payPoints: 'Pay with points', holdUntil: 'Seat held until {{date}}', refunded: '{{amount}} refunded',
    cancel: 'Cancel registration', cancelRefund: 'You will be refunded in full and the seat goes to the waitlist. Cancel?', cancelNoRefund: 'The free cancellation period has passed: no refund. Cancel?',
    feedback: 'Feedback', npsQuestion: 'How likely are you to recommend this event to a friend? (0–10)', ratingQuestion: 'Overall rating', commentPlaceholder: 'Tell us more (optional)', submitFeedback: 'Send feedback', feedbackThanks: 'Thank you for your feedback!', feedbackIncomplete: 'Choose a score and a rating',
    errors: { MEMBER_NOT_ELIGIBLE: 'Sorry, this event is for selected members only', EVENT_NOT_OPEN: 'Registration is not open', EVENT_FULL: 'Full', EVENT_STARTED: 'The event has started and can no longer be canceled', POINTS_INSUFFICIENT: 'Not enough points', VALIDATION_FAILED: 'Please check your answers', FEEDBACK_ALREADY_SUBMITTED: 'You already sent feedback', PAYMENT_PROVIDER_ERROR: 'The payment cannot be opened right now; try again or pay at the store', PROVIDER_NOT_CONFIGURED: 'This brand does not take WeChat Pay yet; please pay at the store', PAYMENT_NOT_PENDING: 'Nothing left to pay for this registration' },
  },
  errors: { POINTS_INSUFFICIENT: 'Not enough points', REWARD_OUT_OF_STOCK: 'Out of stock', BIRTHDAY_ALREADY_SET: 'The birthday can be set once', SIGN_IN_THROTTLED: 'Too many attempts; try later', SIGN_IN_CODE_INVALID: 'Wrong or expired code', UNAUTHENTICATED: 'Please sign in', LOTTERY_LIMIT_REACHED: 'No goes left today; come back tomorrow', LOTTERY_NOT_OPEN: 'This draw is not open', LOTTERY_BURST: 'Too fast; wait a moment', MEMBER_NOT_ELIGIBLE: 'This draw is for selected members', CHECKIN_DISABLED: 'Check-in is not available', CONTEST_NOT_OPEN: 'Not open for entries or votes right now', CONTEST_SELF_VOTE: 'You cannot vote for your own entry', CONTEST_VOTE_LIMIT: 'No votes left', CONFLICT: 'Already sent' },
};

const stored = localStorage.getItem('hearth.lang');
// Screen readers pick their voice from the page's language.
document.documentElement.lang = stored === 'en' ? 'en' : 'zh-CN';
void i18next.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: { ...zhCN, content: contentZh, contests: contestsZh, experience: experienceZh, invite: inviteZh, memberDays: memberDaysZh, promoter: promoterZh, quizzes: quizzesZh, recommendations: recommendationsZh, scan: scanZh, service: serviceZh } },
    en: { translation: { ...en, content: contentEn, contests: contestsEn, experience: experienceEn, invite: inviteEn, memberDays: memberDaysEn, promoter: promoterEn, quizzes: quizzesEn, recommendations: recommendationsEn, scan: scanEn, service: serviceEn } },
  },
  lng: stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function toggleLanguage() {
  const next = i18next.language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('hearth.lang', next);
  document.documentElement.lang = next;
  void i18next.changeLanguage(next);
}

export default i18next;
