// Console strings of the events pages (活动 / 报名 / 签到 / 统计), zh-CN first; merged into i18n.ts as `events`.

export const eventsZh = {
  nav: { events: '活动', list: '活动列表', registrations: '报名管理', checkin: '活动签到', stats: '活动统计' },
  list: { title: '活动', create: '新建活动', edit: '编辑活动', empty: '还没有活动', publish: '发布', cancel: '取消活动', cancelConfirm: '取消后所有报名将被取消并全额退款，确定吗？', registrations: '报名', all: '全部' },
  field: {
    title: '活动名称', description: '活动介绍（Markdown）', location: '地点', store: '门店', addressNote: '地址补充', online: '线上', url: '直播 / 会议链接', time: '时间', startsAt: '开始时间', endsAt: '结束时间',
    cancelDeadline: '免费取消截止', cancelDeadlineHint: '截止前取消全额退款，之后不退；默认为开始时间', capacity: '名额', seats: '已报 / 名额', waitlist: '候补', waitlistOn: '满员后可候补',
    price: '价格', free: '免费', fen: '现金', points: '积分', amountYuan: '价格（元）', amountPoints: '所需积分', holdMinutes: '待支付保留（分钟）', eligibility: '报名资格',
    paidMembers: '仅付费会员', questions: '报名问题', question: '问题', kind: '类型', text: '填空', choice: '单选', options: '选项（逗号分隔）', required: '必填', addQuestion: '添加问题', status: '状态',
    memberPrices: '会员价', memberPricesHint: '按会员等级或付费会员方案设定；会员按其适用的最低价支付（高于原价时按原价）。', tiers: '会员等级', plans: '付费会员方案', pickAudience: '选择等级或方案', audienceTwice: '同一等级或方案只能设一个会员价', addMemberPrice: '添加会员价', memberPriceCount: '{{count}} 个会员价',
  },
  status: { draft: '草稿', published: '报名中', canceled: '已取消' },
  reg: {
    title: '报名管理', pickEvent: '选择活动', member: '会员', memberId: '会员 ID', registerMember: '代会员报名', status: '报名状态', position: '候补顺位', paid: '已付', amount: '金额',
    checkedIn: '签到时间', noShow: '未到场', confirmPayment: '确认已收款', cancel: '取消报名', cancelConfirm: '取消后全额退款，名额将顺延给第一位候补会员。确定吗？', empty: '还没有报名', answers: '报名回答',
    statuses: { pending_payment: '待支付', registered: '已报名', waitlisted: '候补中', canceled: '已取消', expired: '支付超时' },
  },
  checkin: { title: '活动签到', hint: '扫描会员的门票二维码，或手动输入票号', code: '票号', submit: '签到', ok: '签到成功', event: '活动', member: '会员号', at: '签到时间', next: '下一位' },
  stats: { title: '活动统计', range: '开始时间范围', sessions: '已举办场次', registrations: '报名人数', waitlisted: '候补人数', canceled: '取消', checkedIn: '已签到', noShows: '未到场', attendance: '到场率', revenue: '收入', pointsSpent: '消耗积分', feedback: '反馈数', nps: 'NPS', rating: '平均评分', repeat: '重复参加会员' },
  errors: {
    TICKET_ALREADY_CHECKED_IN: '该门票已签到', TICKET_NOT_VALID: '门票无效', CHECKIN_NOT_OPEN: '未到签到时间或活动已结束', NOT_FOUND: '找不到这张门票', VALIDATION_FAILED: '票号格式不正确（可能输错了）',
    EVENT_IN_USE: '已有会员报名，价格和报名问题不能再修改', EVENT_NOT_OPEN: '活动未开放报名', EVENT_FULL: '名额已满', MEMBER_NOT_ELIGIBLE: '该会员不符合报名资格', POINTS_INSUFFICIENT: '会员积分不足', PAYMENT_NOT_PENDING: '该报名不在待支付状态',
  },
};

export const eventsEn: typeof eventsZh = {
  nav: { events: 'Events', list: 'Events', registrations: 'Registrations', checkin: 'Check-in', stats: 'Event stats' },
  list: { title: 'Events', create: 'New event', edit: 'Edit event', empty: 'No events yet', publish: 'Publish', cancel: 'Cancel event', cancelConfirm: 'Every registration is canceled and refunded in full. Continue?', registrations: 'Registrations', all: 'All' },
  field: {
    title: 'Title', description: 'Description (Markdown)', location: 'Where', store: 'Store', addressNote: 'Address note', online: 'Online', url: 'Live / meeting link', time: 'When', startsAt: 'Starts', endsAt: 'Ends',
    cancelDeadline: 'Free cancellation until', cancelDeadlineHint: 'Refunded in full before, not after; default: the start', capacity: 'Seats', seats: 'Taken / seats', waitlist: 'Waitlist', waitlistOn: 'Waitlist when full',
    price: 'Price', free: 'Free', fen: 'Cash', points: 'Points', amountYuan: 'Price (¥)', amountPoints: 'Points', holdMinutes: 'Hold for payment (minutes)', eligibility: 'Who may register',
    paidMembers: 'Paid members only', questions: 'Questions', question: 'Question', kind: 'Kind', text: 'Text', choice: 'Choice', options: 'Options (comma-separated)', required: 'Required', addQuestion: 'Add question', status: 'Status',
    memberPrices: 'Member prices', memberPricesHint: 'Per tier or paid plan; a member pays the lowest price that applies to them (the list price when it is lower).', tiers: 'Tiers', plans: 'Paid plans', pickAudience: 'Choose a tier or plan', audienceTwice: 'One member price per tier or plan', addMemberPrice: 'Add a member price', memberPriceCount: 'Member prices: {{count}}',
  },
  status: { draft: 'Draft', published: 'Open', canceled: 'Canceled' },
  reg: {
    title: 'Registrations', pickEvent: 'Event', member: 'Member', memberId: 'Member id', registerMember: 'Register a member', status: 'Status', position: 'Waitlist #', paid: 'Paid', amount: 'Amount',
    checkedIn: 'Checked in', noShow: 'No-show', confirmPayment: 'Payment received', cancel: 'Cancel', cancelConfirm: 'Refunded in full; the seat goes to the first on the waitlist. Continue?', empty: 'No registrations yet', answers: 'Answers',
    statuses: { pending_payment: 'Awaiting payment', registered: 'Registered', waitlisted: 'Waitlisted', canceled: 'Canceled', expired: 'Payment timed out' },
  },
  checkin: { title: 'Event check-in', hint: 'Scan the member’s ticket QR or type the ticket code', code: 'Ticket code', submit: 'Check in', ok: 'Checked in', event: 'Event', member: 'Member no.', at: 'Checked in at', next: 'Next' },
  stats: { title: 'Event stats', range: 'Starting between', sessions: 'Sessions held', registrations: 'Registrations', waitlisted: 'Waitlisted', canceled: 'Canceled', checkedIn: 'Checked in', noShows: 'No-shows', attendance: 'Attendance', revenue: 'Revenue', pointsSpent: 'Points spent', feedback: 'Feedback', nps: 'NPS', rating: 'Average rating', repeat: 'Repeat attendees' },
  errors: {
    TICKET_ALREADY_CHECKED_IN: 'Already checked in', TICKET_NOT_VALID: 'Ticket not valid', CHECKIN_NOT_OPEN: 'Check-in is not open (too early or the event ended)', NOT_FOUND: 'No such ticket', VALIDATION_FAILED: 'Not a ticket code (mistyped?)',
    EVENT_IN_USE: 'Members have registered: the price and questions can no longer change', EVENT_NOT_OPEN: 'Not open for registration', EVENT_FULL: 'Full', MEMBER_NOT_ELIGIBLE: 'The member may not register', POINTS_INSUFFICIENT: 'Not enough points', PAYMENT_NOT_PENDING: 'Not awaiting payment',
  },
};
