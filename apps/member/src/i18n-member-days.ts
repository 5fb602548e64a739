// Member-center strings of the member-day card and page (会员日), zh-CN first; merged into i18n.ts as `memberDays`.

export const memberDaysZh = {
  title: '会员日', link: '会员日', next: '下个会员日', today: '今天是会员日', date: '{{date}}', points: '积分 {{x}} 倍', coupons: '当天领券', products: '会员专享商品',
  memberPrice: '会员价 {{price}}', listPrice: '原价 {{price}}', notEligible: '本次会员日仅限指定会员参加', none: '暂无会员日安排', couponLine: '{{name}} × {{n}}', autoIssued: '会员日当天自动发到您的券包',
};

export const memberDaysEn: typeof memberDaysZh = {
  title: 'Member days', link: 'Member days', next: 'Next member day', today: 'Today is member day', date: '{{date}}', points: '{{x}}× points', coupons: 'Coupons on the day', products: 'Members-only products',
  memberPrice: 'Member price {{price}}', listPrice: 'List price {{price}}', notEligible: 'This member day is for selected members only', none: 'No member days scheduled', couponLine: '{{name}} × {{n}}', autoIssued: 'Added to your coupons on the day',
};
