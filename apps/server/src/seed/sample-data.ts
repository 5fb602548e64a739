import { DateTime } from 'luxon';
import { cumulate, normal, pickIndex, type Rng } from './random.ts';

// What generated members and orders look like: names, phones, birthdays, channels, the day's rhythm, the
// catalogue and the extra stores.

/** The window's local days, oldest first, ending yesterday: nothing generated lies in the future. */
export function localDays(now: Date, zone: string, count: number) {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  return Array.from({ length: count }, (_, i) => {
    const day = today.minus({ days: count - i });
    return { start: day.toMillis(), weekday: day.weekday, month: day.month };
  });
}

const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0.2, 1.5, 4, 3.5, 2.5, 2.5, 3.5, 3, 2.5, 3, 3, 2.2, 1.6, 1.3, 1, 0.6, 0.3, 0.05];
const HOUR_CUMULATIVE = cumulate(HOUR_WEIGHTS);

/** Milliseconds after local midnight, shaped like a coffee shop's day (breakfast and lunch peaks), to the second. */
export function timeOfDay(rng: Rng): number {
  return pickIndex(rng, HOUR_CUMULATIVE) * 3_600_000 + Math.floor(rng.next() * 3600) * 1000;
}

// 36 prefixes: the space (36 × 10^8 = 2^10·3^2·5^8) shares no factor with the prime multiplier below.
const PHONE_PREFIXES = '130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 176 177 180 181 182 183 184 185 186 187 188 189 191 195 198 199'.split(' ');
const PHONE_SPACE = PHONE_PREFIXES.length * 100_000_000;
const PHONE_MULTIPLIER = 2_654_435_761;

/**
 * Member number k's mobile (E.164): an affine bijection of k over the prefixes' numbers, so numbers that
 * never repeat give phones that never repeat, across runs too. Exact in doubles for k < 2^32.
 */
export function phoneFor(k: number): string {
  const high = Math.floor(k / 65_536);
  const low = k % 65_536;
  const x = (((PHONE_MULTIPLIER * high) % PHONE_SPACE) * 65_536 + PHONE_MULTIPLIER * low + 12_345_678) % PHONE_SPACE;
  return `+86${PHONE_PREFIXES[Math.floor(x / 100_000_000)]}${String(x % 100_000_000).padStart(8, '0')}`;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤'];
// Roughly how common Chinese surnames are: the first five carry about a quarter of the population.
const SURNAME_CUMULATIVE = cumulate(SURNAMES.map((_, i) => 1 / (i + 4)));
const FEMALE_CHARS = [...'芳娜敏静丽艳娟霞秀英玲燕萍红琳雪慧婷颖倩欣悦佳梦雨涵怡琪璐晨瑶蕾薇洁莉婉晴诗雯月'];
const MALE_CHARS = [...'伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰志坤然'];
const SHARED_CHARS = [...'子思嘉梓一文晓安可若天'];

export function chineseName(rng: Rng, female: boolean): string {
  const own = female ? FEMALE_CHARS : MALE_CHARS;
  const char = (chars: string[]) => chars[Math.floor(rng.next() * chars.length)]!;
  const surname = SURNAMES[pickIndex(rng, SURNAME_CUMULATIVE)]!;
  if (rng.next() < 0.25) return surname + char(own);
  const second = char(own);
  if (rng.next() < 0.02) return surname + second + second;
  return surname + char(rng.next() < 0.5 ? own : SHARED_CHARS) + second;
}

export function randomBirthday(rng: Rng) {
  const year = Math.max(1960, Math.min(2007, Math.round(1995 + 7 * normal(rng))));
  const month = 1 + Math.floor(rng.next() * 12);
  const day = 1 + Math.floor(rng.next() * new Date(Date.UTC(year, month, 0)).getUTCDate());
  return { month, day, year: rng.next() < 0.9 ? year : null };
}

export const MEMBER_CHANNELS = [['mini_program', 52], ['store', 22], ['official_account', 12], ['app', 10], ['web', 4]] as const;
export const ORDER_CHANNELS = [['store', 50], ['mini_program', 38], ['app', 12]] as const;
export const LINE_COUNTS = [[1, 50], [2, 32], [3, 12], [4, 6]] as const;
export const DRINK_QTY = [[1, 80], [2, 15], [3, 4], [4, 1]] as const;
export const MEMBER_PAYMENTS = [['wechat_pay', 60], ['alipay', 24], ['stored_value', 10], ['card', 4], ['cash', 2]] as const;
export const GUEST_PAYMENTS = [['wechat_pay', 62], ['alipay', 28], ['card', 5], ['cash', 5]] as const;
/** Monday first. */
export const WEEKDAY_FACTOR = [0.95, 0.95, 0.97, 1, 1.08, 1.2, 1.15];
/** January first: December's holidays up, the Spring Festival weeks down. */
export const MONTH_FACTOR = [0.95, 0.82, 1, 1, 1.02, 1, 1.05, 1.05, 1, 1.03, 1.02, 1.15];

export const MEMBER_ONLY = new Set(['BEAN-YIRGA-250']);
/** sku, name, category path, list price (fen), popularity. */
export const CATALOGUE: [string, string, string, number, number][] = [
  ['COF-AMER-M', '美式（中杯）', '饮品/咖啡/经典', 2600, 14],
  ['COF-AMER-L', '美式（大杯）', '饮品/咖啡/经典', 2900, 5],
  ['COF-LATTE-M', '拿铁（中杯）', '饮品/咖啡/经典', 3200, 18],
  ['COF-LATTE-L', '拿铁（大杯）', '饮品/咖啡/经典', 3500, 6],
  ['COF-CAPP-M', '卡布奇诺', '饮品/咖啡/经典', 3200, 5],
  ['COF-FLATW-M', '馥芮白', '饮品/咖啡/经典', 3400, 5],
  ['COF-MOCHA-M', '摩卡', '饮品/咖啡/经典', 3500, 3],
  ['COF-CARAMEL-M', '焦糖玛奇朵', '饮品/咖啡/经典', 3600, 4],
  ['COF-COCO-LATTE', '生椰拿铁', '饮品/咖啡/创意', 3500, 10],
  ['COF-OSMAN-LATTE', '桂花拿铁', '饮品/咖啡/创意', 3600, 3],
  ['COF-COLDBREW', '冷萃咖啡', '饮品/咖啡/冷萃', 3200, 6],
  ['COF-POUR-YIRGA', '手冲 耶加雪菲', '饮品/咖啡/手冲', 4200, 2],
  ['COF-POUR-COLOMBIA', '手冲 哥伦比亚', '饮品/咖啡/手冲', 3800, 2],
  ['TEA-OOLONG', '冷萃乌龙', '饮品/茶饮', 2800, 4],
  ['TEA-MATCHA-LATTE', '抹茶拿铁', '饮品/茶饮', 3400, 4],
  ['TEA-EARLGREY', '伯爵红茶', '饮品/茶饮', 2600, 2],
  ['DRK-CHOCOLATE', '热巧克力', '饮品/其他', 3000, 2],
  ['DRK-ORANGE', '鲜榨橙汁', '饮品/其他', 2800, 2],
  ['BAK-CROISSANT', '黄油可颂', '烘焙/面包', 1800, 8],
  ['BAK-ALMOND-CROISSANT', '杏仁可颂', '烘焙/面包', 2200, 3],
  ['BAK-CHOC-CROISSANT', '巧克力可颂', '烘焙/面包', 2200, 3],
  ['BAK-CINNAMON', '肉桂卷', '烘焙/面包', 2000, 3],
  ['BAK-PRETZEL', '碱水结', '烘焙/面包', 1600, 2],
  ['BAK-BAGEL', '原味贝果', '烘焙/面包', 1500, 3],
  ['CAKE-TIRAMISU', '提拉米苏', '烘焙/蛋糕', 3800, 3],
  ['CAKE-NY-CHEESE', '纽约芝士蛋糕', '烘焙/蛋糕', 3600, 2],
  ['CAKE-BASQUE', '巴斯克芝士蛋糕', '烘焙/蛋糕', 3800, 3],
  ['CAKE-REDVELVET', '红丝绒蛋糕', '烘焙/蛋糕', 3600, 1.5],
  ['DES-EGGTART', '葡式蛋挞', '烘焙/甜点', 900, 4],
  ['DES-MADELEINE', '玛德琳', '烘焙/甜点', 1200, 2],
  ['DES-SCONE', '英式司康', '烘焙/甜点', 1500, 2],
  ['FOOD-HAM-SANDWICH', '火腿芝士三明治', '轻食/三明治', 3200, 3],
  ['FOOD-CHICKEN-SANDWICH', '鸡肉牛油果三明治', '轻食/三明治', 3800, 3],
  ['FOOD-CAESAR', '凯撒沙拉', '轻食/沙拉', 4200, 1.5],
  ['BEAN-YIRGA-250', '耶加雪菲咖啡豆 250g', '咖啡豆/单一产区', 8800, 1],
  ['BEAN-COLOMBIA-250', '哥伦比亚慧兰咖啡豆 250g', '咖啡豆/单一产区', 7800, 0.8],
  ['BEAN-YUNNAN-250', '云南保山咖啡豆 250g', '咖啡豆/单一产区', 6800, 0.8],
  ['BEAN-HOUSE-500', '炉边招牌拼配咖啡豆 500g', '咖啡豆/拼配', 12800, 1],
  ['MER-TUMBLER', '不锈钢随行杯', '周边/杯具', 16800, 0.4],
  ['MER-MUG', '陶瓷马克杯', '周边/杯具', 9800, 0.3],
  ['CARD-100', '100 元储值卡', '礼品卡', 10000, 0.4],
  ['CARD-200', '200 元储值卡', '礼品卡', 20000, 0.2],
];

/** code, name, province, city, district, address, latitude, longitude, phone. */
export const EXTRA_STORES: [string, string, string, string, string, string, number, number, string][] = [
  ['SH003', '上海新天地店', '上海市', '上海市', '黄浦区', '马当路245号', 31.2197, 121.4737, '021-63851234'],
  ['BJ003', '北京望京店', '北京市', '北京市', '朝阳区', '望京街10号', 39.9965, 116.4806, '010-84761234'],
  ['HZ002', '杭州西溪店', '浙江省', '杭州市', '余杭区', '文一西路588号', 30.2888, 120.0152, '0571-88171234'],
  ['NJ001', '南京新街口店', '江苏省', '南京市', '秦淮区', '中山南路1号', 32.0416, 118.7844, '025-84701234'],
  ['SU001', '苏州观前街店', '江苏省', '苏州市', '姑苏区', '观前街88号', 31.3110, 120.6250, '0512-67701234'],
  ['WH001', '武汉楚河汉街店', '湖北省', '武汉市', '武昌区', '楚河汉街1号', 30.5600, 114.3350, '027-87131234'],
  ['XA001', '西安大雁塔店', '陕西省', '西安市', '雁塔区', '雁塔南路1号', 34.2196, 108.9640, '029-85521234'],
  ['CQ001', '重庆解放碑店', '重庆市', '重庆市', '渝中区', '民族路188号', 29.5580, 106.5770, '023-63701234'],
  ['SZ002', '深圳南山店', '广东省', '深圳市', '南山区', '深南大道9668号', 22.5405, 113.9530, '0755-86351234'],
  ['XM001', '厦门中山路店', '福建省', '厦门市', '思明区', '中山路1号', 24.4560, 118.0800, '0592-20221234'],
];
