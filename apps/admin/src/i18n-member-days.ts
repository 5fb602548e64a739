// Console strings of the member-day page (会员日), zh-CN first; merged into i18n.ts as `memberDays`.

export const memberDaysZh = {
  title: '会员日', create: '新建会员日', edit: '编辑会员日', empty: '还没有会员日', name: '名称', description: '说明', schedule: '日期规则', startDate: '开始日期', endDate: '结束日期', openEnded: '长期',
  active: '启用', status: { on: '进行中', off: '已停用' }, nextDay: '下一个会员日', multiplier: '积分倍数', multiplierHint: '会员日当天（品牌时区 0:00–24:00）订单积分乘以此倍数，最多两位小数',
  couponPack: '会员日礼包（优惠券）', couponPackHint: '会员日开始时自动发给符合条件的会员，每张券每人每次只发一次', memberPrices: '会员日特价（引用会员价）', skus: '会员专享商品（SKU）',
  eligibility: '参与资格', eligibilityHint: '满足任一条件即可；都不选表示所有会员', reminder: '提前提醒', reminderHours: '提前小时数', reminderTemplate: '提醒消息模板', reminderHint: '到时会发出 member_day.upcoming 事件（可触发自动化旅程），选了模板还会发消息（遵守频次与免打扰）',
  kinds: { monthly_day: '每月第几天', nth_weekday: '每月第几个星期几', weekly: '每周', dates: '指定日期' },
  day: '日', lastDay: '最后一天', nth: '第几个', last: '最后一个', weekday: '星期', weekdays: { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' },
  months: '月份（不选为每月）', monthN: '{{n}}月', quarterly: '每季度首月', dates: '日期（YYYY-MM-DD，可输入多个）', preview: '接下来的日期', previewEmpty: '按此规则没有日期',
  summary: { monthly_day: '每月 {{day}} 日', monthly_last: '每月最后一天', nth_weekday: '每月第 {{nth}} 个{{weekday}}', nth_last: '每月最后一个{{weekday}}', weekly: '每周 {{days}}', dates: '{{count}} 个指定日期', inMonths: '（{{months}}月）' },
  upcoming: '即将到来', started: '已开始', stats: '效果', from: '从', to: '到', statsTitle: '会员日 vs 普通日', day_: '日期', orders: '订单数', revenue: '实收（扣除退款）', members: '消费会员数', newPaid: '新增付费会员',
  memberDayAvg: '会员日平均', ordinaryAvg: '普通日平均（{{days}} 天）', lift: '提升', noDays: '所选时间内还没有会员日',
};

export const memberDaysEn: typeof memberDaysZh = {
  title: 'Member days', create: 'New member day', edit: 'Edit member day', empty: 'No member days yet', name: 'Name', description: 'Description', schedule: 'Schedule', startDate: 'Start date', endDate: 'End date', openEnded: 'Open-ended',
  active: 'Active', status: { on: 'Active', off: 'Paused' }, nextDay: 'Next member day', multiplier: 'Points multiplier', multiplierHint: 'Orders on the day (00:00–24:00 in the brand’s zone) earn this many times the points; at most two decimals',
  couponPack: 'Coupon pack', couponPackHint: 'Issued to eligible members when the day starts, once per coupon, member and day', memberPrices: 'Featured member prices', skus: 'Members-only products (SKUs)',
  eligibility: 'Eligibility', eligibilityHint: 'Any one admits; none selected admits every member', reminder: 'Reminder', reminderHours: 'Hours before', reminderTemplate: 'Reminder template', reminderHint: 'Emits member_day.upcoming (journeys can start from it) and, with a template, sends it (caps and quiet hours apply)',
  kinds: { monthly_day: 'Day of the month', nth_weekday: 'N-th weekday of the month', weekly: 'Every week', dates: 'Specific dates' },
  day: 'Day', lastDay: 'Last day', nth: 'Which', last: 'Last', weekday: 'Weekday', weekdays: { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' },
  months: 'Months (none: every month)', monthN: 'Month {{n}}', quarterly: 'First month of each quarter', dates: 'Dates (YYYY-MM-DD, several allowed)', preview: 'Next dates', previewEmpty: 'This schedule gives no dates',
  summary: { monthly_day: 'Day {{day}} of each month', monthly_last: 'Last day of each month', nth_weekday: '{{weekday}} #{{nth}} of each month', nth_last: 'Last {{weekday}} of each month', weekly: 'Every {{days}}', dates: '{{count}} specific dates', inMonths: ' (months {{months}})' },
  upcoming: 'Upcoming', started: 'Started', stats: 'Results', from: 'From', to: 'To', statsTitle: 'Member days vs ordinary days', day_: 'Day', orders: 'Orders', revenue: 'Revenue (net of refunds)', members: 'Members who ordered', newPaid: 'New paid members',
  memberDayAvg: 'Member-day average', ordinaryAvg: 'Ordinary-day average ({{days}} days)', lift: 'Lift', noDays: 'No member day in this window yet',
};
