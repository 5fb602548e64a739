// Console strings of the item-code (一物一码), service desk (售后) and recommendation (商品推荐) pages, zh-CN
// first; merged into i18n.ts as `itemCodes`, `service` and `recs`.

export const itemCodesZh = {
  title: '一物一码',
  tabs: { batches: '码批次', lookup: '查码', flags: '风险标记', warranties: '质保登记', settings: '风控设置' },
  create: '生成码批次', sku: '商品 SKU', product: '商品', name: '批次名称', quantity: '码数量', generated: '已生成', pointsPerClaim: '首扫奖励积分',
  warrantyMonths: '质保（月）', noWarranty: '无质保', activatedCodes: '已激活码', createdAt: '创建时间', skuFilter: '按 SKU 筛选',
  status: { created: '未激活', activated: '已激活', deactivated: '已停用' },
  activate: '激活', activateTitle: '激活（已发货）', activateWhole: '整批激活', activateRange: '按序号段激活（整箱发货）', fromSeq: '起始序号', toSeq: '结束序号',
  deactivate: '停用', deactivateConfirm: '停用后该批次所有码扫码都显示“未激活”并记为风险，且不能再激活。确定停用？',
  csv: '下载印刷 CSV', csvHint: '生成完成后可下载：序号、码、二维码链接（UTF-8，Excel 可直接打开）', generating: '生成中 {{done}}/{{total}}',
  created: '已创建批次，后台正在生成 {{n}} 个码', activated: '已激活', deactivated: '已停用',
  lookupPlaceholder: '输入或扫描商品上的码（如 ABCDE-FGHJK-MNPQ）', lookupHint: '查码不计为扫码，也不会产生风险标记。',
  result: { genuine: '正品（已激活）', inactive: '未激活或已停用', unknown: '查无此码' },
  batch: '所属批次', seq: '印刷序号', scanCount: '扫码次数', firstScan: '首次扫码', lastScan: '最近扫码', claimedBy: '领取会员', claimedAt: '领取时间', flagged: '风险标记',
  warranty: '质保', warrantyUntil: '{{date}} 到期', scans: '最近扫码记录', scannedAt: '扫码时间', place: '地点', member: '会员', anonymous: '匿名',
  flagKind: { member_burst: '单日扫码过多', distant_scans: '异地短时扫码', inactive_batch: '扫到未激活码', second_claimer: '他人已领取' },
  flagFilter: '风险类型', details: '详情', code: '码',
  purchaseDate: '购买日期', store: '购买门店', expiresOn: '到期日', registeredAt: '登记时间',
  memberDailyScans: '单个会员每日扫码上限（超过记风险）', distantMinutes: '异地扫码判定窗口（分钟）', qrBaseUrl: '二维码落地页（留空用本系统 /m/scan）',
  errors: {
    CODE_BATCH_DEACTIVATED: '已停用的批次不能再激活', CODE_BATCH_NOT_READY: '码还没生成完，稍后再下载', VALIDATION_FAILED: '请检查输入',
    NOT_FOUND: '查无此码或记录', FORBIDDEN: '没有权限执行此操作',
  },
  fields: { sku: '没有这个商品 SKU', code: '不是本品牌的码（位数或校验位不对）', to_seq: '结束序号超出批次范围' },
};

export const itemCodesEn: typeof itemCodesZh = {
  title: 'Item codes',
  tabs: { batches: 'Code batches', lookup: 'Look up', flags: 'Fraud flags', warranties: 'Warranties', settings: 'Fraud settings' },
  create: 'Generate codes', sku: 'Product SKU', product: 'Product', name: 'Batch name', quantity: 'Codes', generated: 'Generated', pointsPerClaim: 'Points for the first scan',
  warrantyMonths: 'Warranty (months)', noWarranty: 'No warranty', activatedCodes: 'Active codes', createdAt: 'Created', skuFilter: 'Filter by SKU',
  status: { created: 'Not active', activated: 'Active', deactivated: 'Withdrawn' },
  activate: 'Activate', activateTitle: 'Activate (shipped)', activateWhole: 'The whole batch', activateRange: 'A range of positions (cartons shipped)', fromSeq: 'From position', toSeq: 'To position',
  deactivate: 'Withdraw', deactivateConfirm: 'Every scan of this batch will answer “not active” and be flagged, and it cannot be activated again. Withdraw it?',
  csv: 'Download printer CSV', csvHint: 'Once generated: position, code, QR URL (UTF-8, opens in Excel)', generating: 'Generating {{done}}/{{total}}',
  created: 'Batch created; {{n}} codes are being generated', activated: 'Activated', deactivated: 'Withdrawn',
  lookupPlaceholder: 'Type or scan the code on the item (e.g. ABCDE-FGHJK-MNPQ)', lookupHint: 'Looking up records no scan and raises no flag.',
  result: { genuine: 'Genuine (active)', inactive: 'Not active or withdrawn', unknown: 'No such code' },
  batch: 'Batch', seq: 'Position', scanCount: 'Scans', firstScan: 'First scan', lastScan: 'Last scan', claimedBy: 'Claimed by', claimedAt: 'Claimed', flagged: 'Flagged',
  warranty: 'Warranty', warrantyUntil: 'until {{date}}', scans: 'Latest scans', scannedAt: 'Scanned', place: 'Place', member: 'Member', anonymous: 'Anonymous',
  flagKind: { member_burst: 'Too many scans in a day', distant_scans: 'Distant scans close in time', inactive_batch: 'Inactive code scanned', second_claimer: 'Claimed by someone else' },
  flagFilter: 'Kind', details: 'Details', code: 'Code',
  purchaseDate: 'Bought on', store: 'Bought at', expiresOn: 'Expires', registeredAt: 'Registered',
  memberDailyScans: 'Scans per member per day before a flag', distantMinutes: 'Window for distant scans (minutes)', qrBaseUrl: 'QR landing page (empty: this server’s /m/scan)',
  errors: {
    CODE_BATCH_DEACTIVATED: 'A withdrawn batch cannot be activated again', CODE_BATCH_NOT_READY: 'The codes are still being generated; download later', VALIDATION_FAILED: 'Check what you entered',
    NOT_FOUND: 'No such code or record', FORBIDDEN: 'You may not do this',
  },
  fields: { sku: 'No product with this SKU', code: 'Not a code of this brand (length or check symbol)', to_seq: 'Past the end of the batch' },
};

export const serviceZh = {
  title: '售后服务台', create: '代客建单', tickets: '工单',
  type: { return: '退货', exchange: '换货', repair: '维修', warranty: '保修', complaint: '投诉', consultation: '咨询' },
  status: { submitted: '待受理', accepted: '已受理', in_progress: '处理中', resolved: '已解决', closed: '已关闭', rejected: '已驳回' },
  action: { accepted: '受理', in_progress: '开始处理', resolved: '标记解决', closed: '关闭', rejected: '驳回' },
  sla: { ok: '正常', due_soon: '即将超时', breached: '已超时', none: '—' }, slaState: 'SLA', open: '未结工单', accept: '受理', resolve: '解决',
  typeFilter: '类型', statusFilter: '状态', storeFilter: '门店', assigneeFilter: '处理人', slaFilter: 'SLA 状态', mine: '我',
  subject: '标题', description: '描述', member: '会员', order: '订单', lines: '订单行', code: '商品码', createdAt: '提交时间', acceptDue: '受理时限', resolveDue: '解决时限',
  assign: '指派', assignStore: '门店', assignOperator: '处理人', assignSaved: '已指派', unassigned: '未指派',
  history: '处理记录', comments: '沟通记录', commentBody: '回复内容（会员可见）', attachments: '附件链接（每行一个）', send: '发送', note: '备注（可选）',
  survey: '满意度', noSurvey: '会员尚未评价', refund: '退款单',
  settings: 'SLA 设置', settingsHint: '每类工单的受理与解决时限（小时），对之后提交的工单生效；未设置的类型默认 4 小时受理、48 小时解决。',
  acceptHours: '受理（小时）', resolveHours: '解决（小时）',
  memberLookup: '会员手机号或会员号', find: '查找', memberNotFound: '没有找到该会员', orderId: '订单 ID（退换货必填）', lineNo: '行号', qty: '数量', addLine: '添加订单行',
  actor: { operator: '客服', api_key: 'API', system: '系统', member: '会员' },
  errors: {
    SERVICE_TRANSITION_REFUSED: '当前状态不能执行该操作（可能已被他人处理），请刷新', SURVEY_NOT_ALLOWED: '工单关闭后才能评价', VALIDATION_FAILED: '请检查输入',
    NOT_FOUND: '工单不存在', FORBIDDEN: '没有权限执行此操作',
  },
  fields: { member_id: '没有这个会员', order_id: '请填写该会员的订单', lines: '请填写订单行', code: '会员尚未扫码领取该商品', store_id: '没有这个门店', operator_id: '没有这个账号', to: '当前状态不能这样流转' },
};

export const serviceEn: typeof serviceZh = {
  title: 'Service desk', create: 'Open a ticket', tickets: 'Tickets',
  type: { return: 'Return', exchange: 'Exchange', repair: 'Repair', warranty: 'Warranty', complaint: 'Complaint', consultation: 'Question' },
  status: { submitted: 'Submitted', accepted: 'Accepted', in_progress: 'In progress', resolved: 'Resolved', closed: 'Closed', rejected: 'Rejected' },
  action: { accepted: 'Accept', in_progress: 'Start', resolved: 'Resolve', closed: 'Close', rejected: 'Reject' },
  sla: { ok: 'On time', due_soon: 'Due soon', breached: 'Breached', none: '—' }, slaState: 'SLA', open: 'Open tickets', accept: 'Accept', resolve: 'Resolve',
  typeFilter: 'Type', statusFilter: 'Status', storeFilter: 'Store', assigneeFilter: 'Assignee', slaFilter: 'SLA state', mine: 'Me',
  subject: 'Subject', description: 'Description', member: 'Member', order: 'Order', lines: 'Order lines', code: 'Item code', createdAt: 'Submitted', acceptDue: 'Accept by', resolveDue: 'Resolve by',
  assign: 'Assign', assignStore: 'Store', assignOperator: 'Assignee', assignSaved: 'Assigned', unassigned: 'Unassigned',
  history: 'History', comments: 'Conversation', commentBody: 'Reply (the member sees it)', attachments: 'Attachment URLs (one a line)', send: 'Send', note: 'Note (optional)',
  survey: 'Satisfaction', noSurvey: 'Not rated yet', refund: 'Refund',
  settings: 'SLA hours', settingsHint: 'Hours to accept and to resolve per type, for tickets submitted from now on; types not set: accept within 4 h, resolve within 48 h.',
  acceptHours: 'Accept (hours)', resolveHours: 'Resolve (hours)',
  memberLookup: 'Member phone or member no.', find: 'Find', memberNotFound: 'No such member', orderId: 'Order id (returns and exchanges)', lineNo: 'Line', qty: 'Qty', addLine: 'Add a line',
  actor: { operator: 'Staff', api_key: 'API', system: 'System', member: 'Member' },
  errors: {
    SERVICE_TRANSITION_REFUSED: 'Not possible in the ticket’s current status (someone may have moved it); refresh', SURVEY_NOT_ALLOWED: 'Only a closed ticket can be rated', VALIDATION_FAILED: 'Check what you entered',
    NOT_FOUND: 'No such ticket', FORBIDDEN: 'You may not do this',
  },
  fields: { member_id: 'No such member', order_id: 'Give the member’s order', lines: 'Give the order lines', code: 'The member has not claimed this item by scanning it', store_id: 'No such store', operator_id: 'No such account', to: 'Not a step from the current status' },
};

export const recsZh = {
  title: '商品推荐', settings: '推荐设置', lookbackDays: '购买记录回看（天）', minSupport: '最少共同购买人数', exclusionDays: '近期已购不推荐（天）',
  settingsHint: '设置从下一次重算起生效；系统每天 04:40（上海时间）自动重算。',
  run: '共购统计', rebuild: '立即重算', rebuilt: '已重算', neverRun: '尚未计算过', computedAt: '计算时间', window: '统计区间', baskets: '有购买的会员', items: '商品', pairs: '商品组合',
  preview: '会员推荐预览', memberLookup: '会员手机号或会员号', find: '查找', memberNotFound: '没有找到该会员',
  basis: { history: '依据会员购买记录', popular: '会员近期无购买，显示畅销商品' },
  complementary: '搭配推荐（其他品类）', upgrade: '升级推荐（同品类更高价位）', empty: '暂无',
  sku: 'SKU', name: '商品', category: '品类', price: '标价', reason: '理由', becauseOf: '因为买过', confidence: '置信度', lift: '提升度',
  reasons: { co_purchase: '常被一起购买', popular: '畅销' },
  errors: { VALIDATION_FAILED: '请检查输入', NOT_FOUND: '会员不存在', FORBIDDEN: '没有权限执行此操作' },
  fields: {} as Record<string, string>,
};

export const recsEn: typeof recsZh = {
  title: 'Recommendations', settings: 'Settings', lookbackDays: 'Purchases looked back on (days)', minSupport: 'Members who bought both, at least', exclusionDays: 'Not recommended again within (days)',
  settingsHint: 'Used from the next build; the statistics are rebuilt every day at 04:40 Shanghai time.',
  run: 'Co-purchase statistics', rebuild: 'Rebuild now', rebuilt: 'Rebuilt', neverRun: 'Not built yet', computedAt: 'Built', window: 'Window', baskets: 'Members with purchases', items: 'Products', pairs: 'Product pairs',
  preview: 'A member’s recommendations', memberLookup: 'Member phone or member no.', find: 'Find', memberNotFound: 'No such member',
  basis: { history: 'From the member’s purchases', popular: 'No recent purchases: best sellers' },
  complementary: 'Complementary (other categories)', upgrade: 'Upgrades (same category, higher price)', empty: 'None',
  sku: 'SKU', name: 'Product', category: 'Category', price: 'List price', reason: 'Why', becauseOf: 'Because of', confidence: 'Confidence', lift: 'Lift',
  reasons: { co_purchase: 'Often bought together', popular: 'Best seller' },
  errors: { VALIDATION_FAILED: 'Check what you entered', NOT_FOUND: 'No such member', FORBIDDEN: 'You may not do this' },
  fields: {},
};
