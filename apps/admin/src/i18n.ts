import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const zhCN = {
  app: { name: 'Hearth 会员运营平台', short: 'Hearth' },
  nav: { dashboard: '概览', orders: '订单', customFields: '自定义字段', members: '会员', tags: '标签', imports: '会员导入', stores: '门店', operators: '账号与角色', apiKeys: 'API 密钥', audit: '审计日志', jobs: '后台任务', settings: '品牌设置',
    points: '积分', pointsRules: '积分规则', pointsSettings: '积分设置', rewards: '兑换商品', liability: '积分负债',
    analytics: '分析', clv: '客户终身价值', pareto: '二八与影响力', regional: '区域销售' },
  common: {
    save: '保存', cancel: '取消', create: '新建', edit: '编辑', delete: '删除', search: '搜索', actions: '操作', loadMore: '加载更多',
    confirmDelete: '确定删除吗？', saved: '已保存', deleted: '已删除', all: '全部', logout: '退出登录', language: 'English',
    refresh: '刷新', copy: '复制', copied: '已复制', yes: '是', no: '否', none: '无', status: '状态', createdAt: '创建时间',
  },
  login: {
    title: '登录运营后台', subtitle: '私域会员运营，从这里开始', tenant: '品牌标识', email: '邮箱', password: '密码', submit: '登录',
    tenantRequired: '请输入品牌标识', emailRequired: '请输入有效的邮箱', passwordRequired: '请输入密码',
  },
  dashboard: { welcome: '欢迎回来，{{name}}', intro: '这里是 {{tenant}} 的会员运营后台。会员、积分、等级、权益与自动化营销等模块将陆续上线。', timeZone: '时区', role: '角色' },
  roles: { owner: '品牌主理人', admin: '管理员', operator: '运营', analyst: '分析师', store_staff: '门店店员' },
  stores: {
    title: '门店管理', code: '门店编码', name: '门店名称', province: '省份', city: '城市', district: '区县', address: '详细地址',
    region: '所在地区', phone: '联系电话', latitude: '纬度', longitude: '经度', openingHours: '营业时间', weekdays: '星期', open: '开门', close: '打烊',
    addHours: '添加营业时间', searchPlaceholder: '搜索门店编码或名称', cityPlaceholder: '按城市筛选', create: '新建门店', edit: '编辑门店',
    import: '导入 CSV', importTitle: '导入门店', importHint: '表头：code,name,province,city,district,address,latitude,longitude,phone,status。按门店编码新增或更新，重复导入不会重复创建。',
    importResult: '共 {{total}} 行：新增 {{created}}，更新 {{updated}}，未变 {{unchanged}}，失败 {{failed}}', line: '行号', field: '字段', reason: '原因',
    status: { active: '营业中', inactive: '停用', closed: '已关闭' },
    weekday: { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' },
  },
  apiKeys: {
    title: 'API 密钥', name: '名称', prefix: '前缀', scopes: '权限范围', lastUsed: '最近使用', revoked: '已吊销', active: '有效', create: '新建密钥',
    revoke: '吊销', confirmRevoke: '吊销后使用此密钥的系统将无法访问，确定吗？', secretTitle: '请立即保存密钥', secretHint: '密钥只显示这一次，关闭后无法再次查看。',
  },
  audit: { title: '审计日志', time: '时间', actor: '操作人', action: '操作', resource: '对象', requestId: '请求编号' },
  jobs: { title: '后台任务', name: '任务', attempts: '尝试次数', runAt: '计划时间', lastError: '最近错误', progress: '进度', retry: '重试', retried: '已重新排队',
    status: { queued: '排队中', running: '执行中', succeeded: '成功', failed: '失败', canceled: '已取消' } },
  operators: { title: '账号与角色', name: '姓名', email: '邮箱', role: '角色', lastLogin: '最近登录', create: '新建账号', password: '初始密码',
    status: { active: '正常', disabled: '停用' }, disable: '停用', enable: '启用' },
  settings: { title: '品牌设置', name: '品牌名称', timeZone: '时区', locale: '默认语言' },
  members: {
    title: '会员', search: '搜索', phone: '手机号', memberNo: '会员号', namePrefix: '姓名（前缀）', name: '姓名', nickname: '昵称', gender: '性别',
    birthday: '生日', email: '邮箱', region: '地区', channel: '来源渠道', registeredAt: '注册时间', tags: '标签', identities: '身份',
    consents: '营销授权', events: '最近行为', reveal: '查看完整手机号', revealHint: '查看将被记录在审计日志中', masked: '已打码',
    export: '导出个人信息', erase: '注销并删除个人信息', eraseConfirm: '将不可恢复地删除该会员的个人信息（保留会员号与交易记录），确定吗？',
    eraseReason: '注销原因', erased: '已删除个人信息', granted: '已授权', withdrawn: '已撤回', detail: '会员详情', back: '返回列表',
    mergedInto: '已合并到会员', customFilter: '字段:值（如 taste:甜）', tagFilter: '按标签筛选', none: '暂无', addTag: '添加标签',
    merge: '合并重复会员', mergeHint: '输入另一份资料的会员号：它的身份、标签与授权将并入当前会员，原资料只保留会员号。', mergeReason: '合并原因', merged: '已合并',
    consentChannels: { sms: '短信', email: '邮件', wechat: '微信', app_push: 'App 推送' },
    status: { active: '正常', frozen: '冻结', erased: '已注销', merged: '已合并' },
    channels: { official_account: '公众号', mini_program: '小程序', app: 'App', store: '门店', web: '官网商城', import: '导入', referral: '推荐', partner: '合作方' },
    genders: { male: '男', female: '女', unknown: '未知' },
  },
  orders: { title: '订单', list: '订单列表', import: '导入订单', duplicates: '已存在', importHint: '每行一个商品行，同一订单的行相邻、订单号相同；订单级的列（渠道、门店编码、会员手机号、运费、实付、支付方式）取自该订单第一行。金额以元为单位。支持 UTF-8 与 Excel 导出的 GBK 编码；重复导入不会重复记单。列：订单号, 下单时间, 渠道, 门店编码, 会员手机号, 商品编码, 数量, 单价, 折扣, 运费, 实付, 支付方式', externalId: '订单号', member: '会员', guest: '非会员', total: '实付', refunded: '已退款', occurredAt: '下单时间', channel: '渠道', lines: '商品明细', sku: 'SKU', qty: '数量', unitPrice: '单价', discount: '优惠', paid: '实付', refund: '退款', refundAmount: '退款金额（元）', refundReason: '退款原因', refundDone: '已退款', status: { paid: '已支付', partially_refunded: '部分退款', refunded: '已全额退款' } },
  tagsPage: { title: '标签管理', group: '标签组', newGroup: '新建标签组', newTag: '新建标签', tag: '标签', members: '会员数', bulk: '批量打标', bulkHint: '粘贴手机号（每行一个）或上传含 phone 列的 CSV', add: '添加', remove: '移除', bulkResult: '匹配 {{matched}} 人，变更 {{changed}} 人，未找到 {{notFound}} 个' },
  customFields: { title: '会员自定义字段', create: '新建字段', key: '字段标识', label: '显示名称', type: '类型', options: '可选值', keyRule: '小写字母开头，只含小写字母、数字和下划线',
    types: { text: '文本', number: '数字', date: '日期', enum: '选项', boolean: '是/否' } },
  imports: {
    title: '会员导入', upload: '上传 CSV 文件', hint: '支持 UTF-8 与 Excel 导出的 GBK 编码。按手机号或外部编号新增或更新；重复导入不会重复创建。列：手机号/phone, 姓名/name, 性别/gender, 生日/birthday, 邮箱/email, 城市/city, 外部编号/external_id, cf.自定义字段',
    file: '文件', progress: '进度', created: '新增', updated: '更新', unchanged: '未变', failed: '失败', errors: '下载错误行',
    status: { queued: '排队中', running: '导入中', succeeded: '已完成', failed: '失败' },
  },
  points: {
    title: '积分', member: '会员', required: '请填写', adjust: '调整积分', adjusted: '已调整积分', adjustPoints: '调整数量', adjustPointsHint: '正数增加，负数扣减（不能超过可用积分）', adjustReason: '调整原因',
    available: '可用积分', worth: '价值', pending: '待生效', held: '冻结中', debt: '欠分', expiring: '{{days}} 天内过期', firstExpiry: '最早 {{date}} 过期', noneExpiring: '近期没有过期积分',
    lifetime: '累计获得 / 使用', lifetimeHint: '开卡以来', ledger: '积分流水', noLedger: '还没有积分流水', lots: '积分批次', noLots: '没有未用完的积分批次',
    time: '时间', kind: '类型', points: '积分', order: '订单', note: '说明', actor: '操作人', lot: '批次', amount: '获得', remaining: '剩余',
    earnedAt: '获得日期', availableAt: '生效日期', expiresAt: '过期日期', neverExpires: '永不过期', postings: '记账分录', account: '科目', lotTrail: '批次轨迹', noTrail: '不涉及批次',
    shortfall: '差额 {{points}} 分', ruleVersion: '规则 v{{version}}', debtRepaid: '抵扣欠分 {{points}}',
    kinds: { earn: '消费得积分', clawback: '退款扣回', hold: '冻结', capture: '抵扣', release: '解冻', spend: '兑换', expire: '过期', adjust: '手工调整' },
    accounts: { member: '会员积分', held: '冻结中', issued: '已发放', redeemed: '已兑换', expired: '已过期', adjusted: '手工调整', loss: '损失', partner: '合作方' },
    releaseReasons: { canceled: '交易取消', expired: '冻结超时' },
  },
  pointsRules: {
    title: '积分规则', noneYet: '还没有积分规则：会员消费暂不获得积分。在下方填写第一版规则并保存。', empty: '暂无规则版本', version: '版本', inForce: '生效中', scheduled: '待生效', superseded: '已替换',
    effectiveFrom: '生效时间', effectiveHint: '订单按下单时生效的版本计算积分', summary: '规则摘要', note: '备注', createdBy: '创建人', useAsDraft: '以此为底稿', loaded: '已载入 v{{version}} 到编辑区',
    editor: '编辑新版本', needsManage: '需要“积分规则、设置与兑换商品”权限', saved: '已保存为 v{{version}}',
    base: '每消费 1 元得积分', baseHint: '按实付金额计算，可设两位小数', rounding: '取整方式', roundings: { floor: '向下取整', round: '四舍五入', ceil: '向上取整' },
    minOrder: '起算金额', capPerOrder: '单笔上限', capPerDay: '每日上限', noCap: '不限', exclude: '不计积分',
    excludes: { discounted_part: '优惠部分', gift_cards: '礼品卡 / 储值卡', shipping: '运费' },
    categoryMultipliers: '品类倍率', category: '品类', skuMultipliers: '商品倍率', channelMultipliers: '渠道倍率', addMultiplier: '添加倍率', badYuan: '请输入金额，如 12.80',
    preview: '试算', previewHint: '用编辑区的规则计算一笔示例订单，不会写入数据', shipping: '运费', flags: '标记', flagNames: { gift_card: '礼品卡', non_earning: '不积分' },
    addLine: '添加商品', runPreview: '试算', earned: '可得积分', eligible: '计分金额', cappedBy: '限制', multiplier: '倍率', excluded: '不计分原因', noContributions: '没有积分来源',
    rule: '规则', detail: '计算', perYuan: '每元 {{points}} 分', multipliers: '{{count}} 项倍率',
    caps: { min_order: '未达起算金额', cap_per_order: '达到单笔上限', cap_per_day: '达到每日上限', no_rules: '未设置规则', no_member: '非会员订单' },
    rules: { base: '基础积分', channel: '渠道', sku: '商品', category: '品类', rounding: '取整', min_order: '起算金额', cap_per_order: '单笔上限', cap_per_day: '每日上限' },
    excludedReasons: { non_earning: '不积分商品', gift_card: '礼品卡', shipping: '运费', no_rules: '未设置规则', no_member: '非会员' },
    details: { base: '每元 {{rate}} 分 × {{amount}}', min_order: '实付 {{paid}}，低于起算金额 {{min}}', cap_per_order: '每单最多 {{cap}} 分', cap_per_day: '每天最多 {{cap}} 分' },
  },
  pointsSettings: {
    title: '积分设置', appliesFromNow: '修改只影响之后获得的积分；已发放积分的生效与过期日期不变。', value: '100 积分价值', valueHint: '{{points}} 积分可抵 {{value}}',
    pendingDays: '积分生效等待期', pendingHint: '下单后经过退货期才可使用', days: '天', reminderDays: '过期提醒', reminderHint: '过期前几天提醒会员，最多 5 个，如 30, 7', badDays: '请输入 1–365 的整数天数',
    expiry: '有效期', expiryKinds: { rolling_months: '滚动有效：获得后', calendar_year_end: '按自然年清零：获得当年年底再顺延', never: '永不过期' },
    months: '个月', years: '年', yearsHint: '0 表示获得当年 12 月 31 日过期',
    clawbackPolicy: '退款扣回策略', clawbackHint: '订单退款时，若该订单得到的积分已被使用', clawback: { negative_balance: '允许负积分', other_lots: '从其他积分扣', loss: '记为损失' },
    clawbackHints: { negative_balance: '不足部分记为欠分，之后获得的积分先还欠分', other_lots: '从会员其他可用积分中扣回，仍不足的部分记为损失', loss: '不再追回，已使用部分记为品牌损失' },
    maxCashShare: '积分抵现上限', maxCashShareHint: '积分最多可支付订单金额的比例', holdMinutes: '抵现冻结时长', holdHint: '收银冻结积分后，超时未确认自动解冻', minutes: '分钟',
  },
  rewards: {
    title: '兑换商品', create: '新建兑换商品', edit: '编辑兑换商品', empty: '还没有兑换商品', name: '名称', description: '说明', pointsPrice: '所需积分', stock: '库存',
    stockHint: '留空表示不限库存', unlimited: '不限', soldOut: '已兑完', status: { active: '上架', inactive: '下架' },
  },
  liability: {
    title: '积分负债', outstanding: '未兑付积分', members: '持有积分的会员', expiringByMonth: '按月到期', month: '月份', value: '价值', noExpiring: '没有将要过期的积分',
    accounts: '账本科目余额', balance: '余额', noPostings: '还没有积分记账', sumsToZero: '各科目余额合计为 0：账目平衡（复式记账，每笔交易的分录相抵）。',
    doesNotSum: '各科目余额合计为 {{total}}，不为 0：请运行对账并联系技术支持。', reconciliation: '对账', reconcileAgain: '重新对账', checking: '正在对账…',
    reconciled: '对账通过', reconciledHint: '每笔交易借贷平衡；会员账户、记账分录、积分批次与批次轨迹一致。', problems: '发现 {{count}} 个问题', check: '检查项', detail: '说明',
    checks: { transaction_balances: '交易借贷平衡', account_equals_lots_less_debt: '账户 = 批次 − 欠分', account_equals_postings: '账户 = 分录', held_equals_open_holds: '冻结 = 未结冻结单', lot_equals_trail: '批次 = 批次轨迹', spend_equals_trail: '使用 = 批次轨迹', debt_only_by_policy: '欠分只来自扣回策略' },
  },
  clv: {
    title: '客户终身价值（CLV）', refit: '立即重新拟合', queued: '已开始重新拟合，稍后刷新查看', alreadyQueued: '已有拟合任务在进行', noFit: '还没有拟合结果：每周一凌晨自动拟合，也可以立即重新拟合。',
    insufficient: '数据不足，未拟合：{{customers}} 位购买会员、{{repeaters}} 位复购会员（至少需要 20 位购买、5 位复购）。', scored: '已评分会员', totalClv: '未来 {{months}} 个月预计价值（折现）',
    totalHistoric: '历史消费', calibrationEnd: '数据截至', fittedAt: '拟合时间', discount: '年折现率', distribution: '会员 CLV 分布', members: '会员数', top: 'CLV 最高的会员',
    member: '会员', clv: 'CLV', percentile: '百分位', pAlive: '活跃概率', expectedPurchases: '预计购买次数', perPurchase: '预计客单价', historic: '历史消费', repeats: '复购天数',
  },
  pareto: {
    title: '二八分析', window: '统计区间', buyers: '购买会员', top20: '前 20% 会员贡献营收', gini: '基尼系数', heavy: '重度用户 {{count}} 人（前 {{share}}），贡献 {{revenue}}',
    lorenz: '洛伦兹曲线', equality: '完全平均', buyersAxis: '会员累计占比（%，由低到高）', revenueAxis: '营收累计占比（%）', heavyUsers: '重度用户', revenue: '营收', orders: '订单数',
    influencers: '影响力（KOC）', referralsPending: '邀请数据待推荐模块上线', noInfluencers: '暂无影响力数据：需要分享、评价、活动签到等行为事件', index: '影响力指数', score: '得分', events: '行为',
    refreshFlags: '重新计算标记', refreshed: '已重新计算 {{members}} 位会员',
  },
  regional: {
    title: '区域销售', province: '省份', city: '城市', store: '门店', week: '按周', month: '按月', lastComplete: '默认：上一个完整周期', trailing: '滚动期数',
    explain: '{{from}} 至 {{to}} 的销售额，对比去年同期与前 {{trailing}} 期平均；下降超过 {{threshold}}% 标红。', drop: '下滑', sales: '销售额', orders: '订单数',
    lastYear: '去年同期', vsLastYear: '同比', trailingMean: '前期平均', vsTrailing: '环比平均', forecast: '销售预测（按区域与品类）', method: '季节性朴素法（含趋势）', category: '品类', lastMonth: '上月',
  },
};

type Messages = typeof zhCN;

const en: Messages = {
  app: { name: 'Hearth Membership Operations', short: 'Hearth' },
  nav: { dashboard: 'Overview', orders: 'Orders', customFields: 'Custom fields', members: 'Members', tags: 'Tags', imports: 'Member import', stores: 'Stores', operators: 'Accounts & roles', apiKeys: 'API keys', audit: 'Audit log', jobs: 'Background jobs', settings: 'Brand settings',
    points: 'Points', pointsRules: 'Earning rules', pointsSettings: 'Points settings', rewards: 'Rewards', liability: 'Points liability',
    analytics: 'Analytics', clv: 'Lifetime value', pareto: '80/20 & influence', regional: 'Regional sales' },
  common: {
    save: 'Save', cancel: 'Cancel', create: 'Create', edit: 'Edit', delete: 'Delete', search: 'Search', actions: 'Actions', loadMore: 'Load more',
    confirmDelete: 'Delete this?', saved: 'Saved', deleted: 'Deleted', all: 'All', logout: 'Sign out', language: '中文',
    refresh: 'Refresh', copy: 'Copy', copied: 'Copied', yes: 'Yes', no: 'No', none: 'None', status: 'Status', createdAt: 'Created',
  },
  login: {
    title: 'Sign in to the console', subtitle: 'Private-domain membership operations start here', tenant: 'Brand', email: 'Email', password: 'Password', submit: 'Sign in',
    tenantRequired: 'Enter the brand', emailRequired: 'Enter a valid email', passwordRequired: 'Enter the password',
  },
  dashboard: { welcome: 'Welcome back, {{name}}', intro: 'This is the membership console of {{tenant}}. Members, points, tiers, benefits and automated messaging arrive module by module.', timeZone: 'Time zone', role: 'Role' },
  roles: { owner: 'Owner', admin: 'Admin', operator: 'Operator', analyst: 'Analyst', store_staff: 'Store staff' },
  stores: {
    title: 'Stores', code: 'Code', name: 'Name', province: 'Province', city: 'City', district: 'District', address: 'Address',
    region: 'Region', phone: 'Phone', latitude: 'Latitude', longitude: 'Longitude', openingHours: 'Opening hours', weekdays: 'Days', open: 'Opens', close: 'Closes',
    addHours: 'Add opening hours', searchPlaceholder: 'Search code or name', cityPlaceholder: 'Filter by city', create: 'New store', edit: 'Edit store',
    import: 'Import CSV', importTitle: 'Import stores', importHint: 'Header: code,name,province,city,district,address,latitude,longitude,phone,status. Rows are added or updated by code; importing the same file again creates nothing.',
    importResult: '{{total}} rows: {{created}} created, {{updated}} updated, {{unchanged}} unchanged, {{failed}} failed', line: 'Line', field: 'Field', reason: 'Reason',
    status: { active: 'Open', inactive: 'Inactive', closed: 'Closed' },
    weekday: { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' },
  },
  apiKeys: {
    title: 'API keys', name: 'Name', prefix: 'Prefix', scopes: 'Scopes', lastUsed: 'Last used', revoked: 'Revoked', active: 'Active', create: 'New key',
    revoke: 'Revoke', confirmRevoke: 'Systems using this key will lose access. Revoke it?', secretTitle: 'Save this key now', secretHint: 'The key is shown only once.',
  },
  audit: { title: 'Audit log', time: 'Time', actor: 'Actor', action: 'Action', resource: 'Resource', requestId: 'Request id' },
  jobs: { title: 'Background jobs', name: 'Job', attempts: 'Attempts', runAt: 'Run at', lastError: 'Last error', progress: 'Progress', retry: 'Retry', retried: 'Queued again',
    status: { queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', canceled: 'Canceled' } },
  operators: { title: 'Accounts & roles', name: 'Name', email: 'Email', role: 'Role', lastLogin: 'Last sign-in', create: 'New account', password: 'Initial password',
    status: { active: 'Active', disabled: 'Disabled' }, disable: 'Disable', enable: 'Enable' },
  settings: { title: 'Brand settings', name: 'Brand name', timeZone: 'Time zone', locale: 'Default language' },
  members: {
    title: 'Members', search: 'Search', phone: 'Phone', memberNo: 'Member no.', namePrefix: 'Name (prefix)', name: 'Name', nickname: 'Nickname', gender: 'Gender',
    birthday: 'Birthday', email: 'Email', region: 'Region', channel: 'Channel', registeredAt: 'Registered', tags: 'Tags', identities: 'Identities',
    consents: 'Marketing consent', events: 'Recent activity', reveal: 'Show full phone', revealHint: 'Viewing is recorded in the audit log', masked: 'Masked',
    export: 'Export personal data', erase: 'Erase personal data', eraseConfirm: "This irreversibly erases the member's personal data (the member number and financial records stay). Continue?",
    eraseReason: 'Reason', erased: 'Personal data erased', granted: 'Granted', withdrawn: 'Withdrawn', detail: 'Member', back: 'Back to list',
    mergedInto: 'Merged into member', customFilter: 'field:value (e.g. taste:sweet)', tagFilter: 'Filter by tag', none: 'None', addTag: 'Add tag',
    merge: 'Merge a duplicate', mergeHint: "Enter the other profile's member number: its identities, tags and consent move into this member; it keeps only its number.", mergeReason: 'Reason', merged: 'Merged',
    consentChannels: { sms: 'SMS', email: 'Email', wechat: 'WeChat', app_push: 'App push' },
    status: { active: 'Active', frozen: 'Frozen', erased: 'Erased', merged: 'Merged' },
    channels: { official_account: 'Official account', mini_program: 'Mini program', app: 'App', store: 'Store', web: 'Web shop', import: 'Import', referral: 'Referral', partner: 'Partner' },
    genders: { male: 'Male', female: 'Female', unknown: 'Unknown' },
  },
  orders: { title: 'Orders', list: 'Orders', import: 'Import orders', duplicates: 'Already recorded', importHint: 'One row per order line; rows of one order are adjacent and repeat its order id; order-level columns (channel, store_code, member_phone, shipping, total_paid, payment_method) come from its first row. Amounts in yuan. UTF-8 or GBK as Excel exports it; importing a file again records nothing twice. Columns: external_id, occurred_at, channel, store_code, member_phone, sku, qty, unit_price, line_discount, shipping, total_paid, payment_method', externalId: 'Order no.', member: 'Member', guest: 'Guest', total: 'Paid', refunded: 'Refunded', occurredAt: 'Ordered at', channel: 'Channel', lines: 'Lines', sku: 'SKU', qty: 'Qty', unitPrice: 'Unit price', discount: 'Discount', paid: 'Paid', refund: 'Refund', refundAmount: 'Refund amount (¥)', refundReason: 'Reason', refundDone: 'Refunded', status: { paid: 'Paid', partially_refunded: 'Partly refunded', refunded: 'Refunded' } },
  tagsPage: { title: 'Tags', group: 'Tag group', newGroup: 'New group', newTag: 'New tag', tag: 'Tag', members: 'Members', bulk: 'Tag in bulk', bulkHint: 'Paste phone numbers (one per line) or a CSV with a phone column', add: 'Add', remove: 'Remove', bulkResult: '{{matched}} matched, {{changed}} changed, {{notFound}} not found' },
  customFields: { title: 'Custom member fields', create: 'New field', key: 'Key', label: 'Label', type: 'Type', options: 'Options', keyRule: 'Lowercase letter first, then lowercase letters, digits and _',
    types: { text: 'Text', number: 'Number', date: 'Date', enum: 'Choice', boolean: 'Yes/no' } },
  imports: {
    title: 'Member import', upload: 'Upload a CSV file', hint: 'UTF-8 or GBK as Excel exports it. Rows are added or updated by phone or external id; importing a file again creates nothing. Columns: phone, name, gender, birthday, email, city, external_id, cf.<custom field>',
    file: 'File', progress: 'Progress', created: 'Created', updated: 'Updated', unchanged: 'Unchanged', failed: 'Failed', errors: 'Download rejected rows',
    status: { queued: 'Queued', running: 'Importing', succeeded: 'Done', failed: 'Failed' },
  },
  points: {
    title: 'Points', member: 'Member', required: 'Required', adjust: 'Adjust points', adjusted: 'Points adjusted', adjustPoints: 'Points', adjustPointsHint: 'Positive adds, negative removes (at most what is available)', adjustReason: 'Reason',
    available: 'Available', worth: 'Worth', pending: 'Pending', held: 'Held', debt: 'Debt', expiring: 'Expiring within {{days}} days', firstExpiry: 'first on {{date}}', noneExpiring: 'Nothing expires soon',
    lifetime: 'Earned / spent', lifetimeHint: 'Since joining', ledger: 'Ledger', noLedger: 'No points activity yet', lots: 'Open lots', noLots: 'No open lots',
    time: 'Time', kind: 'Kind', points: 'Points', order: 'Order', note: 'Note', actor: 'By', lot: 'Lot', amount: 'Earned', remaining: 'Remaining',
    earnedAt: 'Earned', availableAt: 'Available from', expiresAt: 'Expires', neverExpires: 'Never', postings: 'Postings', account: 'Account', lotTrail: 'Lot trail', noTrail: 'No lots involved',
    shortfall: 'short by {{points}}', ruleVersion: 'rules v{{version}}', debtRepaid: '{{points}} repaid debt',
    kinds: { earn: 'Earned', clawback: 'Clawback', hold: 'Hold', capture: 'Captured', release: 'Released', spend: 'Spent', expire: 'Expired', adjust: 'Adjustment' },
    accounts: { member: 'Members', held: 'Held', issued: 'Issued', redeemed: 'Redeemed', expired: 'Expired', adjusted: 'Adjustments', loss: 'Loss', partner: 'Partner' },
    releaseReasons: { canceled: 'sale canceled', expired: 'hold timed out' },
  },
  pointsRules: {
    title: 'Earning rules', noneYet: 'No earning rules yet: purchases earn no points. Fill in the first version below and save it.', empty: 'No rule versions', version: 'Version', inForce: 'In force', scheduled: 'Scheduled', superseded: 'Superseded',
    effectiveFrom: 'Effective from', effectiveHint: 'Orders are scored by the version in force when they occurred', summary: 'Summary', note: 'Note', createdBy: 'Created by', useAsDraft: 'Use as draft', loaded: 'v{{version}} loaded into the editor',
    editor: 'New version', needsManage: 'Needs the “manage earning rules, points settings and rewards” permission', saved: 'Saved as v{{version}}',
    base: 'Points per ¥1', baseHint: 'On the amount paid; up to two decimals', rounding: 'Rounding', roundings: { floor: 'Round down', round: 'Round', ceil: 'Round up' },
    minOrder: 'Minimum order', capPerOrder: 'Cap per order', capPerDay: 'Cap per day', noCap: 'No cap', exclude: 'Earns nothing',
    excludes: { discounted_part: 'Discounted part', gift_cards: 'Gift / stored-value cards', shipping: 'Shipping' },
    categoryMultipliers: 'Category multipliers', category: 'Category', skuMultipliers: 'SKU multipliers', channelMultipliers: 'Channel multipliers', addMultiplier: 'Add multiplier', badYuan: 'Enter an amount, e.g. 12.80',
    preview: 'Preview', previewHint: 'Scores a sample order under the rules in the editor; nothing is saved', shipping: 'Shipping', flags: 'Flags', flagNames: { gift_card: 'Gift card', non_earning: 'Non-earning' },
    addLine: 'Add line', runPreview: 'Preview', earned: 'Points earned', eligible: 'Eligible amount', cappedBy: 'Limited by', multiplier: 'Multiplier', excluded: 'Excluded because', noContributions: 'Nothing earns points',
    rule: 'Rule', detail: 'Detail', perYuan: '{{points}} per ¥1', multipliers: '{{count}} multipliers',
    caps: { min_order: 'Below minimum order', cap_per_order: 'Cap per order', cap_per_day: 'Cap per day', no_rules: 'No rules', no_member: 'Guest order' },
    rules: { base: 'Base', channel: 'Channel', sku: 'SKU', category: 'Category', rounding: 'Rounding', min_order: 'Minimum order', cap_per_order: 'Cap per order', cap_per_day: 'Cap per day' },
    excludedReasons: { non_earning: 'Non-earning item', gift_card: 'Gift card', shipping: 'Shipping', no_rules: 'No rules', no_member: 'Guest' },
    details: { base: '{{rate}} per ¥1 on {{amount}}', min_order: 'paid {{paid}}, below {{min}}', cap_per_order: 'at most {{cap}} per order', cap_per_day: 'at most {{cap}} per day' },
  },
  pointsSettings: {
    title: 'Points settings', appliesFromNow: 'Changes apply to points earned from now on; points already issued keep their dates.', value: 'Value of 100 points', valueHint: '{{points}} points are worth {{value}}',
    pendingDays: 'Pending period', pendingHint: 'Points become spendable after the return window', days: 'days', reminderDays: 'Expiry reminders', reminderHint: 'Days before expiry to remind the member, up to 5, e.g. 30, 7', badDays: 'Enter whole days from 1 to 365',
    expiry: 'Expiry', expiryKinds: { rolling_months: 'Rolling: after', calendar_year_end: 'At the end of the calendar year of earning, plus', never: 'Never expire' },
    months: 'months', years: 'years', yearsHint: '0: on 31 December of the year earned',
    clawbackPolicy: 'Clawback policy', clawbackHint: 'When an order is refunded and the points it earned were already spent', clawback: { negative_balance: 'Allow a negative balance', other_lots: 'Take from other points', loss: 'Record as a loss' },
    clawbackHints: { negative_balance: 'the shortfall becomes debt, repaid from points earned later', other_lots: "taken from the member's other available points; any rest is a loss", loss: 'not recovered; the brand records the loss' },
    maxCashShare: 'Largest share paid by points', maxCashShareHint: 'Of an order’s amount', holdMinutes: 'Hold duration', holdHint: 'A POS hold not captured in time is released', minutes: 'minutes',
  },
  rewards: {
    title: 'Rewards', create: 'New reward', edit: 'Edit reward', empty: 'No rewards yet', name: 'Name', description: 'Description', pointsPrice: 'Points price', stock: 'Stock',
    stockHint: 'Leave empty for unlimited stock', unlimited: 'Unlimited', soldOut: 'Sold out', status: { active: 'Active', inactive: 'Inactive' },
  },
  liability: {
    title: 'Points liability', outstanding: 'Outstanding points', members: 'Members with points', expiringByMonth: 'Expiring by month', month: 'Month', value: 'Value', noExpiring: 'No points due to expire',
    accounts: 'Ledger accounts', balance: 'Balance', noPostings: 'No postings yet', sumsToZero: 'The accounts sum to 0: the books balance (double entry; every transaction’s postings cancel out).',
    doesNotSum: 'The accounts sum to {{total}}, not 0: run the reconciliation and contact support.', reconciliation: 'Reconciliation', reconcileAgain: 'Run again', checking: 'Reconciling…',
    reconciled: 'Reconciled', reconciledHint: 'Every transaction balances; accounts, postings, lots and lot trails agree.', problems: '{{count}} problems found', check: 'Check', detail: 'Detail',
    checks: { transaction_balances: 'Transactions balance', account_equals_lots_less_debt: 'Account = lots − debt', account_equals_postings: 'Account = postings', held_equals_open_holds: 'Held = open holds', lot_equals_trail: 'Lot = its trail', spend_equals_trail: 'Spend = its trail', debt_only_by_policy: 'Debt only by policy' },
  },
  clv: {
    title: 'Customer lifetime value (CLV)', refit: 'Refit now', queued: 'Refit started; refresh in a moment', alreadyQueued: 'A fit is already running', noFit: 'No fit yet: the model is fitted every Monday before dawn, or refit it now.',
    insufficient: 'Too little data to fit: {{customers}} buyers, {{repeaters}} repeat buyers (at least 20 buyers and 5 repeat buyers needed).', scored: 'Members scored', totalClv: 'Predicted value, next {{months}} months (discounted)',
    totalHistoric: 'Historic spend', calibrationEnd: 'Data up to', fittedAt: 'Fitted at', discount: 'Annual discount rate', distribution: 'Members by CLV', members: 'Members', top: 'Members with the highest CLV',
    member: 'Member', clv: 'CLV', percentile: 'Percentile', pAlive: 'P(alive)', expectedPurchases: 'Expected purchases', perPurchase: 'Expected spend per purchase', historic: 'Historic spend', repeats: 'Repeat days',
  },
  pareto: {
    title: '80/20 analysis', window: 'Window', buyers: 'Buyers', top20: 'Revenue share of the top 20 %', gini: 'Gini coefficient', heavy: '{{count}} heavy users (top {{share}}) bring {{revenue}}',
    lorenz: 'Lorenz curve', equality: 'Perfect equality', buyersAxis: 'Cumulative share of buyers (%, lowest first)', revenueAxis: 'Cumulative share of revenue (%)', heavyUsers: 'Heavy users', revenue: 'Revenue', orders: 'Orders',
    influencers: 'Influence (KOC)', referralsPending: 'Referral data arrives with the referrals module', noInfluencers: 'No influence data yet: it needs share, review or event attendance events', index: 'Influence index', score: 'Score', events: 'Behaviour',
    refreshFlags: 'Recompute flags', refreshed: 'Recomputed {{members}} members',
  },
  regional: {
    title: 'Regional sales', province: 'Province', city: 'City', store: 'Store', week: 'Weekly', month: 'Monthly', lastComplete: 'Default: last complete period', trailing: 'Trailing periods',
    explain: 'Sales from {{from}} to {{to}}, against the same period last year and the mean of the {{trailing}} periods before; drops beyond {{threshold}}% in red.', drop: 'Drop', sales: 'Sales', orders: 'Orders',
    lastYear: 'Same period last year', vsLastYear: 'vs last year', trailingMean: 'Trailing mean', vsTrailing: 'vs trailing mean', forecast: 'Forecast by region and category', method: 'Seasonal naive with drift', category: 'Category', lastMonth: 'Last month',
  },
};

export type Language = 'zh-CN' | 'en';
const STORAGE_KEY = 'hearth.language';

export function initialLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function rememberLanguage(language: Language) {
  localStorage.setItem(STORAGE_KEY, language);
}

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export { i18next };
