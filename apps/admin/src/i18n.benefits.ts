// Console strings of the benefits module (权益), zh-CN first; i18n.ts mounts them under `benefits`.
export const benefitsZh = {
  title: '权益目录', create: '新建权益', edit: '编辑权益', empty: '还没有权益', pick: '选择权益', code: '编码', codeHint: '小写字母、数字、_ 与 -，例如 birthday_cake',
  name: '名称', nameEn: '英文名称', description: '说明', type: '类型', config: '内容', limit: '使用次数', value: '每次价值', valueHint: '会员每用一次节省的金额，计入“本年已为您节省”；留空为 0',
  status: '状态', usage: '今年使用', usageValue: '{{uses}} 次 · {{value}}', unlimited: '不限', perPeriod: '{{period}} {{uses}} 次', noLimit: '不限次数',
  types: { discount: '折扣', points_multiplier: '积分加倍', free_shipping: '免运费', free_service: '免费服务', priority_window: '优先购', birthday_gift: '生日礼', exclusive_access: '专享商品', partner: '异业权益', custom: '自定义' },
  typeHints: {
    discount: '按比例或固定金额，可限定品类或商品；不叠加的折扣只取最优的一项', points_multiplier: '会员订单的积分乘以倍数（同时有多项时取最高）', free_shipping: '满额免运费',
    free_service: '例如每月 2 次免费品鉴：用“使用次数”限定', priority_window: '比其他会员提前若干小时购买（稀缺商品）', birthday_gift: '生日当月自动发放，每年一次',
    exclusive_access: '只有持有此权益的会员能买的商品', partner: '由异业联盟伙伴提供', custom: '其他权益，仅展示与记录使用',
  },
  statuses: { active: '生效', paused: '已暂停' }, periods: { day: '每天', week: '每周', month: '每月', year: '每年', lifetime: '共' },
  mode: '折扣方式', modes: { percent: '按比例', fixed: '固定金额' }, percentOff: '优惠比例', percentHint: '例如 10 表示减 10%，即 9 折', amount: '减免金额', cap: '最多减免', minSpend: '满多少元可用',
  categories: '适用品类', skus: '适用商品 SKU', scopeHint: '都留空：整单可用；输入后按回车添加', stackable: '可与其他折扣叠加', stackHint: '不叠加时，只取优惠最多的一项', multiplier: '积分倍数',
  service: '服务内容', hours: '提前小时数', windowSkus: '适用商品 SKU（留空为全部优先购商品）', giftKind: '礼物', giftKinds: { coupon: '优惠券', points: '积分' }, template: '券模板', quantity: '张数', points: '积分数',
  exclusiveSkus: '专享商品 SKU', partnerId: '合作伙伴 ID', partnerConfig: '伙伴配置（JSON）', badJson: '不是有效的 JSON 对象', detail: '权益说明',
  limitPeriod: '周期', limitUses: '次数', limitHint: '按品牌所在时区的自然日/周/月/年计算；留空为不限次数',
  pause: '暂停', resume: '恢复', paused: '已暂停：会员暂时不能使用', resumed: '已恢复', deleteConfirm: '删除权益“{{name}}”？', deleted: '已删除', required: '请填写', badYuan: '请输入金额，如 12.80',
  summary: {
    percent: '{{zhe}} 折', percentCap: '{{zhe}} 折，最多减 {{cap}}', fixed: '减 {{amount}}', minSpend: '满 {{value}}', scope: '限 {{scope}}', stackable: '可叠加', multiplier: '积分 ×{{value}}',
    freeShipping: '满 {{value}} 免运费', freeShippingAny: '免运费', hours: '提前 {{hours}} 小时', couponGift: '送券 × {{quantity}}', pointsGift: '送 {{points}} 积分', skus: '{{count}} 个商品', partner: '伙伴 {{id}}',
  },
  savingsKinds: { benefit: '权益', coupon: '优惠券', member_price: '会员价', partner: '异业权益', other: '其他' },
  member: {
    title: '会员权益', none: '这位会员现在没有可用权益', source: '来源', sources: { tier: '等级', plan: '付费会员', grant: '活动' }, remaining: '剩余', left: '{{period}}剩余 {{left}} 次', leftTotal: '剩余 {{left}} 次', unlimited: '不限次数',
    validUntil: '有效至', open: '长期', use: '使用', useTitle: '为会员使用“{{name}}”', quantity: '次数', useValue: '本次价值', note: '备注', used: '已使用，剩余 {{left}}', usedUnlimited: '已使用',
    grant: '发放权益', grantTitle: '活动发放权益', benefit: '权益', grantUntil: '有效至', grantUses: '活动次数', grantUsesHint: '留空：按权益的使用次数限制', campaign: '活动名称', reason: '原因', granted: '已发放',
    savedThisYear: '本年已为会员节省', periods: { day: '今天', week: '本周', month: '本月', year: '今年', lifetime: '' },
  },
  errors: { BENEFIT_NOT_ENTITLED: '会员现在没有这项权益', BENEFIT_LIMIT_REACHED: '本期次数已用完', BENEFIT_CODE_TAKEN: '编码已被其他权益使用', BENEFIT_IN_USE: '权益已被使用或被等级、付费会员方案引用，不能删除；可以暂停' },
};

export const benefitsEn: typeof benefitsZh = {
  title: 'Benefits', create: 'New benefit', edit: 'Edit benefit', empty: 'No benefits yet', pick: 'Choose benefits', code: 'Code', codeHint: 'lowercase letters, digits, _ and -, e.g. birthday_cake',
  name: 'Name', nameEn: 'English name', description: 'Description', type: 'Type', config: 'What it gives', limit: 'Uses', value: 'Value per use', valueHint: 'What one use saves the member, counted in “you saved this year”; empty: 0',
  status: 'Status', usage: 'Used this year', usageValue: '{{uses}} uses · {{value}}', unlimited: 'Unlimited', perPeriod: '{{uses}} {{period}}', noLimit: 'Unlimited',
  types: { discount: 'Discount', points_multiplier: 'Points multiplier', free_shipping: 'Free shipping', free_service: 'Free service', priority_window: 'Priority purchase', birthday_gift: 'Birthday gift', exclusive_access: 'Exclusive products', partner: 'Partner benefit', custom: 'Custom' },
  typeHints: {
    discount: 'A share or an amount off, optionally for some categories or products; of the discounts that do not stack, only the best applies', points_multiplier: 'Points of the member’s orders × this (the highest one held applies)', free_shipping: 'Free shipping above a spend',
    free_service: 'e.g. two free tastings a month: limit it with Uses', priority_window: 'Buy scarce products some hours before everyone else', birthday_gift: 'Given automatically in the birthday month, once a year',
    exclusive_access: 'Products only holders may buy', partner: 'Provided by an alliance partner', custom: 'Anything else: shown and its uses recorded',
  },
  statuses: { active: 'Active', paused: 'Paused' }, periods: { day: 'a day', week: 'a week', month: 'a month', year: 'a year', lifetime: 'in total' },
  mode: 'Discount', modes: { percent: 'Percent', fixed: 'Fixed amount' }, percentOff: 'Percent off', percentHint: 'e.g. 10 takes 10% off', amount: 'Amount off', cap: 'At most', minSpend: 'Minimum spend',
  categories: 'Categories', skus: 'SKUs', scopeHint: 'Both empty: the whole order; press Enter to add', stackable: 'Stacks with other discounts', stackHint: 'Not stacking: only the best such discount applies', multiplier: 'Multiplier',
  service: 'Service', hours: 'Hours earlier', windowSkus: 'SKUs (empty: every product with a window)', giftKind: 'Gift', giftKinds: { coupon: 'Coupon', points: 'Points' }, template: 'Coupon template', quantity: 'Coupons', points: 'Points',
  exclusiveSkus: 'Exclusive SKUs', partnerId: 'Partner id', partnerConfig: 'Partner settings (JSON)', badJson: 'Not a JSON object', detail: 'Detail',
  limitPeriod: 'Period', limitUses: 'Uses', limitHint: 'Counted by the brand’s calendar days, weeks, months or years; empty: unlimited',
  pause: 'Pause', resume: 'Resume', paused: 'Paused: members cannot use it for now', resumed: 'Resumed', deleteConfirm: 'Delete the benefit “{{name}}”?', deleted: 'Deleted', required: 'Required', badYuan: 'Enter an amount, e.g. 12.80',
  summary: {
    percent: '{{percent}}% off', percentCap: '{{percent}}% off, at most {{cap}}', fixed: '{{amount}} off', minSpend: 'over {{value}}', scope: 'on {{scope}}', stackable: 'stacks', multiplier: 'points ×{{value}}',
    freeShipping: 'free shipping over {{value}}', freeShippingAny: 'free shipping', hours: '{{hours}} hours early', couponGift: 'coupon × {{quantity}}', pointsGift: '{{points}} points', skus: '{{count}} products', partner: 'partner {{id}}',
  },
  savingsKinds: { benefit: 'Benefits', coupon: 'Coupons', member_price: 'Member prices', partner: 'Partner benefits', other: 'Other' },
  member: {
    title: 'Benefits', none: 'This member has no benefits to use now', source: 'From', sources: { tier: 'Tier', plan: 'Paid plan', grant: 'Campaign' }, remaining: 'Left', left: '{{left}} left {{period}}', leftTotal: '{{left}} left', unlimited: 'Unlimited',
    validUntil: 'Valid until', open: 'Open-ended', use: 'Use', useTitle: 'Use “{{name}}” for the member', quantity: 'Uses', useValue: 'Value of this use', note: 'Note', used: 'Used; {{left}} left', usedUnlimited: 'Used',
    grant: 'Grant a benefit', grantTitle: 'Grant a benefit for a campaign', benefit: 'Benefit', grantUntil: 'Valid until', grantUses: 'Campaign uses', grantUsesHint: 'Empty: the benefit’s usage limit applies', campaign: 'Campaign', reason: 'Reason', granted: 'Granted',
    savedThisYear: 'Saved this year', periods: { day: 'today', week: 'this week', month: 'this month', year: 'this year', lifetime: '' },
  },
  errors: { BENEFIT_NOT_ENTITLED: 'The member does not hold this benefit now', BENEFIT_LIMIT_REACHED: 'No uses left this period', BENEFIT_CODE_TAKEN: 'Another benefit has this code', BENEFIT_IN_USE: 'The benefit was used or a tier or plan lists it: it cannot be deleted; pause it instead' },
};
