// Member-center strings of the recommendations section (为你推荐), zh-CN first; merged into i18n.ts as `recommendations`.

export const recommendationsZh = { title: '为你推荐', complementary: '搭配购买', upgrade: '升级之选', popular: '热销好物', because: '买过 {{sku}} 的会员也买' };

export const recommendationsEn: typeof recommendationsZh = { title: 'Picked for you', complementary: 'Goes well with', upgrade: 'Step up to', popular: 'Best sellers', because: 'Members who bought {{sku}} also bought' };
