// Console strings of the store-guide pages (导购), zh-CN first; merged into i18n.ts as `guides`.

export const guidesZh = {
  nav: { group: '导购', list: '导购与会员', rules: '任务规则', tasks: '跟进任务', leaderboard: '导购排行', workbench: '导购工作台' },
  list: {
    title: '导购', create: '新增导购', operator: '后台账号', store: '门店', wecom: '企业微信账号', members: '会员数', openTasks: '待办任务', status: '状态', active: '在职', left: '已离职',
    leave: '离职交接', leaveTitle: '{{name}} 离职：会员与待办任务交接', toGuide: '交接给', toGuideHint: '不选：由同门店其他导购按会员数从少到多分配', reason: '原因', leaveDone: '已交接 {{moved}} 位会员',
    memberList: '会员', assign: '分配会员', assignHint: '会员 ID，每行一个；手工分配优先于企微好友与所属门店', assigned: '已分配 {{n}} 位会员', source: '归属方式', sources: { explicit: '手工分配', wecom: '企微好友', store: '所属门店' }, since: '归属时间', empty: '还没有导购',
  },
  rules: {
    title: '任务规则', create: '新建规则', edit: '编辑规则', name: '名称', segment: '人群', titleTemplate: '任务标题', titleHint: '可用变量（会员号、截止日期）：', dueDays: '几天内完成', status: '状态', active: '启用', paused: '暂停', lastRun: '上次生成',
    run: '立即生成', runResult: '新建 {{created}} 条；{{open}} 位会员仍有未完成任务；{{none}} 位会员没有导购', runHint: '每天 9:00 自动生成；会员上一条任务未完成时不会重复生成', empty: '还没有任务规则',
  },
  tasks: {
    title: '跟进任务', member: '会员', guide: '导购', kind: '来源', kinds: { rule: '任务规则', journey: '自动化旅程', welcome: '新会员欢迎', manual: '手工' }, taskTitle: '任务', due: '截止', status: '状态', open: '待办', done: '已完成',
    markDone: '完成', markUndone: '撤销完成', doneBy: '完成人', doneAt: '完成时间', all: '全部', history: '记录', messages: '一对一消息', message: '发企微消息', messageHint: '通过企业微信发给会员（导购需绑定企微账号）', send: '发送', sent: '已创建企微群发任务',
    actions: { created: '创建', done: '完成', undone: '撤销完成', reassigned: '转交', messaged: '发消息' }, empty: '没有任务',
  },
  board: { title: '导购排行', period: '统计期间', guide: '导购', store: '门店', tasksDone: '完成任务', conversions: '转化订单', revenue: '转化金额', newMembers: '新增会员', zone: '按品牌时区 {{zone}} 统计', windowHint: '会员在导购完成任务或发消息后 {{days}} 天内下单，计为该导购的转化（每单一次）', settings: '转化设置', windowDays: '转化窗口（天）', welcome: '新会员欢迎任务', welcomeTitle: '欢迎任务标题', welcomeDue: '几天内完成', saved: '已保存' },
  sidebar: {
    title: '导购工作台', myTasks: '我的待办', myMembers: '我的会员', back: '返回', profile: '会员资料', tier: '等级', points: '积分', expiring: '{{points}} 分将在 {{days}} 天内到期', coupons: '可用优惠券', orders: '最近订单', suggestions: '推荐商品', openTasks: '待办任务',
    noGuide: '你还不是导购，请联系管理员在“导购与会员”中添加。', none: '无', notMember: '该客户还不是会员，或尚未同步；请引导其注册会员。', complementary: '搭配', upgrade: '升级', registered: '入会时间', viewNote: '查看会员资料会留痕',
  },
};

export const guidesEn: typeof guidesZh = {
  nav: { group: 'Store guides', list: 'Guides & members', rules: 'Task rules', tasks: 'Follow-up tasks', leaderboard: 'Guide leaderboard', workbench: 'Guide workbench' },
  list: {
    title: 'Guides', create: 'Add guide', operator: 'Console account', store: 'Store', wecom: 'WeCom userid', members: 'Members', openTasks: 'Open tasks', status: 'Status', active: 'Active', left: 'Left',
    leave: 'Hand over', leaveTitle: '{{name}} leaves: hand over members and open tasks', toGuide: 'Hand over to', toGuideHint: 'Empty: shared by the store’s other guides, fewest members first', reason: 'Reason', leaveDone: '{{moved}} members handed over',
    memberList: 'Members', assign: 'Assign members', assignHint: 'Member ids, one per line; an explicit assignment wins over WeCom follows and home stores', assigned: '{{n}} members assigned', source: 'Assigned by', sources: { explicit: 'Operator', wecom: 'WeCom follow', store: 'Home store' }, since: 'Since', empty: 'No guides yet',
  },
  rules: {
    title: 'Task rules', create: 'New rule', edit: 'Edit rule', name: 'Name', segment: 'Segment', titleTemplate: 'Task title', titleHint: 'Variables (member number, due date):', dueDays: 'Due in days', status: 'Status', active: 'Active', paused: 'Paused', lastRun: 'Last run',
    run: 'Run now', runResult: '{{created}} created; {{open}} members still have an open task; {{none}} members have no guide', runHint: 'Runs daily at 09:00; no second task while a member’s last one is open', empty: 'No task rules yet',
  },
  tasks: {
    title: 'Follow-up tasks', member: 'Member', guide: 'Guide', kind: 'Source', kinds: { rule: 'Task rule', journey: 'Journey', welcome: 'Welcome', manual: 'Manual' }, taskTitle: 'Task', due: 'Due', status: 'Status', open: 'Open', done: 'Done',
    markDone: 'Done', markUndone: 'Undo', doneBy: 'Done by', doneAt: 'Done at', all: 'All', history: 'History', messages: '1-to-1 messages', message: 'Message on WeCom', messageHint: 'Sent to the member through WeCom (the guide needs a WeCom userid)', send: 'Send', sent: 'WeCom message task created',
    actions: { created: 'Created', done: 'Done', undone: 'Undone', reassigned: 'Reassigned', messaged: 'Messaged' }, empty: 'No tasks',
  },
  board: { title: 'Guide leaderboard', period: 'Period', guide: 'Guide', store: 'Store', tasksDone: 'Tasks done', conversions: 'Conversions', revenue: 'Revenue credited', newMembers: 'New members', zone: 'Days in the brand’s zone {{zone}}', windowHint: 'An order within {{days}} days after a guide completed a task or messaged the member is credited to that guide (once per order)', settings: 'Conversion settings', windowDays: 'Conversion window (days)', welcome: 'Welcome task for new members', welcomeTitle: 'Welcome task title', welcomeDue: 'Due in days', saved: 'Saved' },
  sidebar: {
    title: 'Guide workbench', myTasks: 'My open tasks', myMembers: 'My members', back: 'Back', profile: 'Profile', tier: 'Tier', points: 'Points', expiring: '{{points}} points expire within {{days}} days', coupons: 'Available coupons', orders: 'Recent orders', suggestions: 'Suggested products', openTasks: 'Open tasks',
    noGuide: 'You are not a guide yet; ask an administrator to add you under “Guides & members”.', none: 'None', notMember: 'This contact is not a member yet, or not synced; invite them to join.', complementary: 'Goes with', upgrade: 'Upgrade', registered: 'Joined', viewNote: 'Opening a member’s profile is recorded',
  },
};
