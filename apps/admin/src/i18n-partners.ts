// Console strings of the alliance-partner and scarce-product pages (异业联盟, 会员价, 限量发售与抽签), zh-CN first;
// merged into i18n.ts as `partners` and `pricing`.

export const partnersZh = {
  title: '异业联盟', tabs: { partners: '合作伙伴', benefits: '权益与券码库', usage: '结算统计' },
  create: '新增伙伴', edit: '编辑伙伴', name: '伙伴名称', industry: '行业', contactName: '联系人', contactPhone: '联系电话', contactEmail: '联系邮箱',
  settlementTerms: '结算条款', callbackUrl: '回调地址', callbackHint: '回调型权益会以 HMAC-SHA256 签名 POST 到此地址', empty: '还没有合作伙伴',
  status: { active: '合作中', archived: '已归档' }, archive: '归档', restore: '恢复',
  secret: '签名密钥', secretSet: '已设置', secretNone: '未设置', rotateSecret: '生成新密钥', rotateConfirm: '生成后旧密钥立即失效，伙伴需要换用新密钥。确定吗？',
  secretTitle: '请立即把密钥交给伙伴', secretHint: '密钥只显示这一次。我们用它签名回调，伙伴用它签名核销回传。',
  benefit: { create: '新建权益', name: '权益名称', partner: '合作伙伴', kind: '类型', period: '领取周期', threshold: '低库存预警', eligibility: '领取资格', description: '说明', empty: '还没有异业权益' },
  kinds: { code_pool: '券码库', callback: '接口回调' },
  periods: { once: '仅一次', day: '每天', week: '每周', month: '每月', year: '每年' },
  benefitStatus: { active: '发放中', paused: '已暂停' }, pause: '暂停', resume: '恢复',
  stock: '库存', stockOf: '{{available}} / {{total}}', lowStock: '库存不足', importCodes: '导入券码', viewCodes: '查看券码',
  importHint: 'CSV 需要一列 code（或 券码、兑换码），支持 UTF-8 与 Excel 导出的 GBK。文件内重复、库里已有的券码会被拒绝并列出行号。',
  importResult: '共 {{rows}} 行：导入 {{imported}}，拒绝 {{rejected}}', line: '行号', reason: '原因',
  errorCodes: { duplicate_in_file: '文件内重复', duplicate_in_pool: '券码库中已存在', empty: '空行', too_long: '超过 200 个字符', unknown: '未找到对应的发放记录', invalid: '格式不正确', invalid_time: '时间格式不正确' },
  codeStatus: { available: '可发放', allocated: '已发放' }, code: '券码（已打码）', allocatedAt: '发放时间',
  usage: { from: '起始月份', to: '结束月份', partner: '伙伴', month: '月份', allocations: '发放数', redemptions: '核销数', rate: '核销率', empty: '所选月份没有发放记录', importRedemptions: '导入核销数据', redemptionsHint: 'CSV 需要 code（券码）或 allocation_id 列，可选 redeemed_at（核销时间）', redemptionsResult: '核销 {{redeemed}}，此前已核销 {{already}}，未匹配 {{unknown}}' },
  eligibility: { everyone: '所有会员', paid: '付费会员', plans: '付费方案', tiers: '会员等级', segments: '人群分组', tags: '会员标签', summaryPaid: '付费会员', any: '满足任一条件即可' },
};

export const partnersEn: typeof partnersZh = {
  title: 'Alliance partners', tabs: { partners: 'Partners', benefits: 'Benefits & code pools', usage: 'Settlement' },
  create: 'Add partner', edit: 'Edit partner', name: 'Partner', industry: 'Industry', contactName: 'Contact', contactPhone: 'Phone', contactEmail: 'Email',
  settlementTerms: 'Settlement terms', callbackUrl: 'Callback URL', callbackHint: 'Callback benefits are POSTed here, signed with HMAC-SHA256', empty: 'No partners yet',
  status: { active: 'Active', archived: 'Archived' }, archive: 'Archive', restore: 'Restore',
  secret: 'Signing secret', secretSet: 'Set', secretNone: 'Not set', rotateSecret: 'New secret', rotateConfirm: 'The old secret stops working at once and the partner must switch. Continue?',
  secretTitle: 'Give this secret to the partner now', secretHint: 'It is shown only once. We sign callbacks with it; the partner signs its redemption reports with it.',
  benefit: { create: 'New benefit', name: 'Benefit', partner: 'Partner', kind: 'Kind', period: 'Once per', threshold: 'Low-stock alert at', eligibility: 'Who may receive it', description: 'Description', empty: 'No partner benefits yet' },
  kinds: { code_pool: 'Code pool', callback: 'API callback' },
  periods: { once: 'Once ever', day: 'Day', week: 'Week', month: 'Month', year: 'Year' },
  benefitStatus: { active: 'Active', paused: 'Paused' }, pause: 'Pause', resume: 'Resume',
  stock: 'Stock', stockOf: '{{available}} / {{total}}', lowStock: 'Low stock', importCodes: 'Import codes', viewCodes: 'Codes',
  importHint: 'The CSV needs a column code (or 券码 / 兑换码), in UTF-8 or the GBK Excel exports. Codes repeated in the file or already in the pool are rejected with their line.',
  importResult: '{{rows}} rows: {{imported}} imported, {{rejected}} rejected', line: 'Line', reason: 'Reason',
  errorCodes: { duplicate_in_file: 'Repeated in the file', duplicate_in_pool: 'Already in the pool', empty: 'Empty line', too_long: 'Longer than 200 characters', unknown: 'No matching allocation', invalid: 'Invalid', invalid_time: 'Invalid time' },
  codeStatus: { available: 'Available', allocated: 'Allocated' }, code: 'Code (masked)', allocatedAt: 'Allocated at',
  usage: { from: 'From month', to: 'To month', partner: 'Partner', month: 'Month', allocations: 'Allocated', redemptions: 'Redeemed', rate: 'Redemption rate', empty: 'Nothing allocated in these months', importRedemptions: 'Import redemptions', redemptionsHint: 'The CSV needs a column code (券码) or allocation_id, optionally redeemed_at (核销时间)', redemptionsResult: '{{redeemed}} redeemed, {{already}} already redeemed, {{unknown}} not matched' },
  eligibility: { everyone: 'Every member', paid: 'Paid members', plans: 'Paid plans', tiers: 'Tiers', segments: 'Segments', tags: 'Member tags', summaryPaid: 'Paid members', any: 'Any one condition admits' },
};

export const pricingZh = {
  prices: {
    title: '会员价', create: '设置会员价', sku: '商品 SKU', audience: '适用对象', audiences: { tier: '会员等级', plan: '付费方案' }, target: '等级 / 方案', price: '会员价（元）',
    from: '生效时间', until: '结束时间', now: '立即', open: '长期', end: '结束', endConfirm: '立即结束这条会员价？尚未生效的会被删除。', ended: '已结束', empty: '还没有会员价',
    priceInvalid: '请输入有效金额，如 19.9', quoteTitle: '会员价试算', member: '会员 ID', lines: '商品（每行：SKU 数量）', linesHint: '例如：CAKE 2', quote: '试算',
    listPrice: '原价', memberPrice: '会员价', source: '来源', saving: '节省', total: '合计', sourceList: '原价',
  },
  launches: {
    title: '限量发售与抽签', tabs: { launches: '限量发售', ballots: '抽签' }, create: '新建限量发售', name: '名称', sku: '商品 SKU', quantity: '数量', reserved: '已预留', remaining: '剩余',
    opensAt: '开售时间', earlyHours: '提前小时数', earlyOpensAt: '优先购开始', earlyWho: '优先购对象', perMemberLimit: '每人限购', closesAt: '截止时间', empty: '还没有限量发售',
    reservations: '预留记录', early: '优先购', seq: '第几件',
  },
  ballots: {
    create: '新建抽签', name: '名称', sku: '商品 SKU', quantity: '中签名额', window: '报名时间', entries: '报名人数', winners: '中签人数', status: { open: '报名中', drawn: '已开奖' },
    seedHash: '种子哈希（开奖前公布）', seed: '种子（开奖后公布）', draw: '开奖', drawConfirm: '开奖后结果不可更改。确定开奖吗？', drawn: '已开奖', verification: '公证数据',
    algorithm: '算法', entryList: '全部报名（按 entrant_id 排序）', winnerList: '中签名单（按名次）', rank: '名次', memberNo: '会员号', result: '结果', results: { pending: '待开奖', won: '中签', lost: '未中签' },
    eligibility: '报名资格', empty: '还没有抽签', notClosed: '报名截止后才能开奖',
  },
  errors: {
    MEMBER_NOT_ELIGIBLE: '该会员不符合资格', LAUNCH_NOT_OPEN: '尚未开售或已截止', LAUNCH_SOLD_OUT: '已售罄', LAUNCH_LIMIT_REACHED: '已达每人限购', BALLOT_NOT_OPEN: '不在报名时间内',
    BALLOT_NOT_CLOSED: '报名截止后才能开奖', PARTNER_POOL_EXHAUSTED: '券码已发完，请导入更多券码', PARTNER_CALLBACK_NOT_CONFIGURED: '伙伴尚未配置回调地址或密钥', SECRETS_KEY_MISSING: '服务器未设置 HEARTH_SECRETS_KEY，无法保存密钥',
  },
};

export const pricingEn: typeof pricingZh = {
  prices: {
    title: 'Member prices', create: 'Set a member price', sku: 'SKU', audience: 'For', audiences: { tier: 'Tier', plan: 'Paid plan' }, target: 'Tier / plan', price: 'Member price (¥)',
    from: 'From', until: 'Until', now: 'Now', open: 'Open-ended', end: 'End', endConfirm: 'End this member price now? One not started yet is removed.', ended: 'Ended', empty: 'No member prices yet',
    priceInvalid: 'Enter an amount, e.g. 19.9', quoteTitle: 'Quote a cart', member: 'Member id', lines: 'Items (one per line: SKU qty)', linesHint: 'e.g. CAKE 2', quote: 'Quote',
    listPrice: 'List price', memberPrice: 'Member price', source: 'Source', saving: 'Saving', total: 'Total', sourceList: 'List price',
  },
  launches: {
    title: 'Launches & ballots', tabs: { launches: 'Limited launches', ballots: 'Ballots' }, create: 'New launch', name: 'Name', sku: 'SKU', quantity: 'Quantity', reserved: 'Reserved', remaining: 'Left',
    opensAt: 'Opens at', earlyHours: 'Hours early', earlyOpensAt: 'Early access from', earlyWho: 'Early access for', perMemberLimit: 'Per member', closesAt: 'Closes at', empty: 'No launches yet',
    reservations: 'Reservations', early: 'Early', seq: 'Unit',
  },
  ballots: {
    create: 'New ballot', name: 'Name', sku: 'SKU', quantity: 'Winners', window: 'Entry window', entries: 'Entries', winners: 'Won', status: { open: 'Open', drawn: 'Drawn' },
    seedHash: 'Seed hash (published before the draw)', seed: 'Seed (revealed after the draw)', draw: 'Draw', drawConfirm: 'The result is final. Draw now?', drawn: 'Drawn', verification: 'Verification',
    algorithm: 'Algorithm', entryList: 'Every entry (by entrant_id)', winnerList: 'Winners (by rank)', rank: 'Rank', memberNo: 'Member no.', result: 'Result', results: { pending: 'Pending', won: 'Won', lost: 'Not drawn' },
    eligibility: 'Who may enter', empty: 'No ballots yet', notClosed: 'Entries must close before the draw',
  },
  errors: {
    MEMBER_NOT_ELIGIBLE: 'This member is not eligible', LAUNCH_NOT_OPEN: 'Not open yet, or closed', LAUNCH_SOLD_OUT: 'Sold out', LAUNCH_LIMIT_REACHED: 'The per-member limit is reached', BALLOT_NOT_OPEN: 'Entries are not open',
    BALLOT_NOT_CLOSED: 'Entries must close before the draw', PARTNER_POOL_EXHAUSTED: 'No codes left: import more', PARTNER_CALLBACK_NOT_CONFIGURED: 'The partner has no callback URL or secret yet', SECRETS_KEY_MISSING: 'HEARTH_SECRETS_KEY is not set on the server; secrets cannot be stored',
  },
};
