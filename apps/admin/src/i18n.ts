import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const zhCN = {
  app: { name: 'Hearth 会员运营平台', short: 'Hearth' },
  nav: { dashboard: '概览', orders: '订单', customFields: '自定义字段', members: '会员', tags: '标签', imports: '会员导入', stores: '门店', operators: '账号与角色', apiKeys: 'API 密钥', audit: '审计日志', jobs: '后台任务', settings: '品牌设置' },
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
  orders: { title: '订单', externalId: '订单号', member: '会员', guest: '非会员', total: '实付', refunded: '已退款', occurredAt: '下单时间', channel: '渠道', lines: '商品明细', sku: 'SKU', qty: '数量', unitPrice: '单价', discount: '优惠', paid: '实付', refund: '退款', refundAmount: '退款金额（元）', refundReason: '退款原因', refundDone: '已退款', status: { paid: '已支付', partially_refunded: '部分退款', refunded: '已全额退款' } },
  tagsPage: { title: '标签管理', group: '标签组', newGroup: '新建标签组', newTag: '新建标签', tag: '标签', members: '会员数', bulk: '批量打标', bulkHint: '粘贴手机号（每行一个）或上传含 phone 列的 CSV', add: '添加', remove: '移除', bulkResult: '匹配 {{matched}} 人，变更 {{changed}} 人，未找到 {{notFound}} 个' },
  customFields: { title: '会员自定义字段', create: '新建字段', key: '字段标识', label: '显示名称', type: '类型', options: '可选值', keyRule: '小写字母开头，只含小写字母、数字和下划线',
    types: { text: '文本', number: '数字', date: '日期', enum: '选项', boolean: '是/否' } },
  imports: {
    title: '会员导入', upload: '上传 CSV 文件', hint: '支持 UTF-8 与 Excel 导出的 GBK 编码。按手机号或外部编号新增或更新；重复导入不会重复创建。列：手机号/phone, 姓名/name, 性别/gender, 生日/birthday, 邮箱/email, 城市/city, 外部编号/external_id, cf.自定义字段',
    file: '文件', progress: '进度', created: '新增', updated: '更新', unchanged: '未变', failed: '失败', errors: '下载错误行',
    status: { queued: '排队中', running: '导入中', succeeded: '已完成', failed: '失败' },
  },
};

type Messages = typeof zhCN;

const en: Messages = {
  app: { name: 'Hearth Membership Operations', short: 'Hearth' },
  nav: { dashboard: 'Overview', orders: 'Orders', customFields: 'Custom fields', members: 'Members', tags: 'Tags', imports: 'Member import', stores: 'Stores', operators: 'Accounts & roles', apiKeys: 'API keys', audit: 'Audit log', jobs: 'Background jobs', settings: 'Brand settings' },
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
  orders: { title: 'Orders', externalId: 'Order no.', member: 'Member', guest: 'Guest', total: 'Paid', refunded: 'Refunded', occurredAt: 'Ordered at', channel: 'Channel', lines: 'Lines', sku: 'SKU', qty: 'Qty', unitPrice: 'Unit price', discount: 'Discount', paid: 'Paid', refund: 'Refund', refundAmount: 'Refund amount (¥)', refundReason: 'Reason', refundDone: 'Refunded', status: { paid: 'Paid', partially_refunded: 'Partly refunded', refunded: 'Refunded' } },
  tagsPage: { title: 'Tags', group: 'Tag group', newGroup: 'New group', newTag: 'New tag', tag: 'Tag', members: 'Members', bulk: 'Tag in bulk', bulkHint: 'Paste phone numbers (one per line) or a CSV with a phone column', add: 'Add', remove: 'Remove', bulkResult: '{{matched}} matched, {{changed}} changed, {{notFound}} not found' },
  customFields: { title: 'Custom member fields', create: 'New field', key: 'Key', label: 'Label', type: 'Type', options: 'Options', keyRule: 'Lowercase letter first, then lowercase letters, digits and _',
    types: { text: 'Text', number: 'Number', date: 'Date', enum: 'Choice', boolean: 'Yes/no' } },
  imports: {
    title: 'Member import', upload: 'Upload a CSV file', hint: 'UTF-8 or GBK as Excel exports it. Rows are added or updated by phone or external id; importing a file again creates nothing. Columns: phone, name, gender, birthday, email, city, external_id, cf.<custom field>',
    file: 'File', progress: 'Progress', created: 'Created', updated: 'Updated', unchanged: 'Unchanged', failed: 'Failed', errors: 'Download rejected rows',
    status: { queued: 'Queued', running: 'Importing', succeeded: 'Done', failed: 'Failed' },
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
