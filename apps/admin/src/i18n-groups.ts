// Console strings of the community-group pages (社群), zh-CN first; merged into i18n.ts as `groups`.

export const groupsZh = {
  nav: { groups: '社群运营', list: '社群', pools: '分流活码', replies: '欢迎语与自动回复', broadcasts: '社群群发', stats: '社群数据' },
  title: '社群', create: '新建社群', edit: '编辑社群', empty: '还没有社群', name: '群名称', store: '门店', theme: '主题', tier: '会员等级', pool: '分流活码', noPool: '不参与分流',
  chatId: '企业微信群 ID', owner: '群主（企业微信账号）', joinQr: '入群二维码链接', joinQrHint: '留空时：关联了企业微信群并加入分流活码后自动生成', capacity: '容量', capacityHint: '企业微信扫码入群上限 200 人',
  members: '成员', seatsLeft: '可分流名额', held: '扫码占位中', welcome: '入群欢迎语', welcomeHint: '有人入群时通过企业微信发送；留空则用分流活码的欢迎语', linked: '已关联企业微信', notLinked: '未关联',
  status: { active: '正常', closed: '暂停分流', archived: '已归档' }, filterAll: '全部',
  settings: '分流设置', safetyMargin: '安全余量（每群预留名额）', safetyMarginHint: '群成员达到「容量 − 余量」即视为已满，不再分流', holdMinutes: '扫码占位（分钟）', holdHint: '扫码后为其保留名额的时长', welcomeWindow: '欢迎语合并（分钟）', welcomeWindowHint: '此时间内入群的成员共用一条欢迎语，0 为每人一条',
  fullWarning: '{{names}} 的所有群已满，请新建群并加入分流活码', fullSince: '自 {{time}} 起已满',
  pools: { name: '名称', title: '分流活码', create: '新建分流活码', edit: '编辑分流活码', empty: '还没有分流活码', kind: '类型', kinds: { store: '门店', theme: '主题' }, groups: '群数', seatsLeft: '剩余名额', qr: '二维码', link: '链接', copy: '复制链接', full: '已满', ok: '可分流', welcomeHint: '群内没有单独设置欢迎语时使用', status: { active: '启用', archived: '已停用' }, download: '下载二维码' },
  replies: { title: '关键词自动回复', create: '新建回复', edit: '编辑回复', empty: '还没有自动回复', scope: '适用范围', scopeGroup: '单个群', scopePool: '分流活码下所有群', keyword: '关键词', match: '匹配方式', matches: { exact: '完全匹配', contains: '包含关键词' }, reply: '回复内容', enabled: '启用',
    test: '试一试', testHint: '输入一条群消息，看会触发哪条回复（不会真的发送）', testGroup: '群', testText: '消息', testResult: '将回复：{{text}}', testNone: '没有匹配的自动回复', welcomeNote: '入群欢迎语在「社群」和「分流活码」中设置。企业微信不会把客户群消息推送给应用，自动回复需要会话存档等集成通过接口转入消息。', deleteConfirm: '删除这条自动回复？' },
  broadcasts: { title: '社群群发', create: '新建群发', empty: '还没有群发', name: '名称', text: '内容', groups: '发送到', sendAt: '发送时间', now: '立即', status: { scheduled: '待发送', running: '发送中', done: '已完成', cancelled: '已取消' },
    targetStatus: { pending: '待发送', deferred: '已顺延', sending: '发送中', sent: '已提交', skipped: '已跳过', failed: '失败' }, reasons: { quiet_hours: '免打扰时段，顺延到结束后', cap_day: '超出每群每日上限', cap_week: '超出每群每周上限', not_linked: '未关联企业微信群', group_closed: '群已暂停或归档', cancelled: '已取消' },
    hint: '以企业微信「群发助手」任务下发，由群主确认后发出；遵守「消息触达 → 渠道与频控」中的免打扰时段与「企业微信社群群发」频次上限。', cancel: '取消群发', cancelConfirm: '取消尚未发出的部分？', counts: '进度', reason: '原因', msgid: '企业微信消息 ID', createdAt: '创建时间' },
  stats: { title: '社群数据', range: '时间范围', members: '当前成员', joins: '入群', leaves: '退群', active: '活跃成员', activeHint: '在时间范围内发过群消息或下过单的会员', buyers: '下单会员', orders: '订单数', revenue: '实收（扣除退款）', total: '合计', totalHint: '合计中同一会员只计一次' },
};

export const groupsEn: typeof groupsZh = {
  nav: { groups: 'Communities', list: 'Groups', pools: 'Group QR pools', replies: 'Welcome & auto-replies', broadcasts: 'Group broadcasts', stats: 'Group stats' },
  title: 'Groups', create: 'New group', edit: 'Edit group', empty: 'No groups yet', name: 'Group name', store: 'Store', theme: 'Theme', tier: 'Tier', pool: 'QR pool', noPool: 'Not routed',
  chatId: 'WeCom chat id', owner: 'Owner (WeCom userid)', joinQr: 'Join QR link', joinQrHint: 'Left empty: made through WeCom once the chat is linked and the group is in a pool', capacity: 'Capacity', capacityHint: 'WeCom lets at most 200 members join by QR',
  members: 'Members', seatsLeft: 'Seats for routing', held: 'Held by scans', welcome: 'Welcome message', welcomeHint: 'Sent through WeCom when members join; empty: the pool’s', linked: 'Linked to WeCom', notLinked: 'Not linked',
  status: { active: 'Active', closed: 'Not routed to', archived: 'Archived' }, filterAll: 'All',
  settings: 'Routing settings', safetyMargin: 'Safety margin (seats kept free per group)', safetyMarginHint: 'A group counts as full at capacity − margin and gets no more scanners', holdMinutes: 'Seat hold (minutes)', holdHint: 'How long a scan keeps its seat', welcomeWindow: 'Welcome window (minutes)', welcomeWindowHint: 'Joins within it share one welcome; 0: one per join',
  fullWarning: 'Every group of {{names}} is full: open a new group and add it to the pool', fullSince: 'Full since {{time}}',
  pools: { name: 'Name', title: 'Group QR pools', create: 'New pool', edit: 'Edit pool', empty: 'No pools yet', kind: 'Kind', kinds: { store: 'Store', theme: 'Theme' }, groups: 'Groups', seatsLeft: 'Seats left', qr: 'QR code', link: 'Link', copy: 'Copy link', full: 'Full', ok: 'Routing', welcomeHint: 'For groups of the pool without their own welcome', status: { active: 'Active', archived: 'Archived' }, download: 'Download QR' },
  replies: { title: 'Keyword auto-replies', create: 'New auto-reply', edit: 'Edit auto-reply', empty: 'No auto-replies yet', scope: 'Applies to', scopeGroup: 'One group', scopePool: 'Every group of a pool', keyword: 'Keyword', match: 'Match', matches: { exact: 'Whole message', contains: 'Contains' }, reply: 'Reply', enabled: 'Enabled',
    test: 'Try it', testHint: 'Type a group message to see which reply it triggers (nothing is sent)', testGroup: 'Group', testText: 'Message', testResult: 'Would reply: {{text}}', testNone: 'No auto-reply matches', welcomeNote: 'Welcome messages are set on groups and pools. WeCom does not push customer-group messages to apps: auto-replies need an integration (session archive) to post messages to the API.', deleteConfirm: 'Delete this auto-reply?' },
  broadcasts: { title: 'Group broadcasts', create: 'New broadcast', empty: 'No broadcasts yet', name: 'Name', text: 'Text', groups: 'Send to', sendAt: 'Send at', now: 'Now', status: { scheduled: 'Scheduled', running: 'Sending', done: 'Done', cancelled: 'Cancelled' },
    targetStatus: { pending: 'Pending', deferred: 'Deferred', sending: 'Sending', sent: 'Handed to WeCom', skipped: 'Skipped', failed: 'Failed' }, reasons: { quiet_hours: 'Quiet hours: deferred to their end', cap_day: 'Over the per-group daily cap', cap_week: 'Over the per-group weekly cap', not_linked: 'Not linked to a WeCom group', group_closed: 'Group closed or archived', cancelled: 'Cancelled' },
    hint: 'Sent as WeCom group-message tasks that the group owner confirms; quiet hours and the “WeCom group broadcasts” caps of Messaging → Channels & caps apply.', cancel: 'Cancel', cancelConfirm: 'Cancel what has not gone out?', counts: 'Progress', reason: 'Reason', msgid: 'WeCom message id', createdAt: 'Created' },
  stats: { title: 'Group stats', range: 'Period', members: 'Members now', joins: 'Joins', leaves: 'Leaves', active: 'Active members', activeHint: 'Members who posted in the group or ordered in the period', buyers: 'Buyers', orders: 'Orders', revenue: 'Revenue (net of refunds)', total: 'Total', totalHint: 'Totals count each member once' },
};
