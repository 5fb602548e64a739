// Member-center strings of the product-code page (扫码验真), zh-CN first; merged into i18n.ts as `scan`.

export const scanZh = {
  title: '扫码验真', hint: '扫描或输入商品包装上的防伪码，验证真伪并领取积分', camera: '扫一扫', stopCamera: '关闭摄像头', cameraLabel: '摄像头画面，对准商品二维码', noCamera: '当前浏览器不支持扫码，请手动输入防伪码',
  code: '防伪码', codePlaceholder: '输入包装上的防伪码', check: '查询',
  result: { genuine: '正品', inactive: '该码尚未激活或已停用', unknown: '未查到此防伪码，请谨慎购买' }, genuineHint: '这是品牌正品，请放心使用',
  product: '商品', scans: '第 {{n}} 次查询', firstScan: '首次查询：{{date}}', firstPlace: '首次查询地点：{{place}}', manyScans: '此码已被多次查询，如非本人查询请注意辨别',
  claim: { claimed: '获得 {{points}} 积分', already_yours: '你已领取过此商品的积分', claimed_by_other: '此商品的积分已被其他会员领取', not_eligible: '' },
  warranty: '登记保修', warrantyMonths: '保修 {{months}} 个月', purchaseDate: '购买日期', storeName: '购买门店（选填）', register: '登记保修', registered: '已登记保修，有效期至 {{date}}', warrantyUntil: '保修至 {{date}}',
  myWarranties: '我的保修', service: '申请售后',
  errors: { WARRANTY_EXISTS: '此商品已登记过保修', WARRANTY_NOT_OFFERED: '此商品不提供保修登记', CODE_CLAIMED_BY_OTHER: '此商品已由其他会员登记', CODE_NOT_CLAIMED: '请先扫码查询后再登记', CODE_NOT_ACTIVE: '此防伪码未激活，无法登记', in_future: '购买日期不能晚于今天', TOO_MANY_REQUESTS: '查询太频繁，请稍后再试' },
};

export const scanEn: typeof scanZh = {
  title: 'Check a product', hint: 'Scan or type the code on the package to check it is genuine and earn points', camera: 'Scan', stopCamera: 'Stop camera', cameraLabel: 'Camera view: point it at the product’s QR code', noCamera: 'This browser cannot scan; type the code instead',
  code: 'Product code', codePlaceholder: 'The code on the package', check: 'Check',
  result: { genuine: 'Genuine', inactive: 'This code is not active yet or was withdrawn', unknown: 'No such code: be careful with this product' }, genuineHint: 'This is a genuine product of the brand',
  product: 'Product', scans: 'Check no. {{n}}', firstScan: 'First checked: {{date}}', firstPlace: 'First checked in: {{place}}', manyScans: 'This code was checked many times; if not by you, take care',
  claim: { claimed: '{{points}} points earned', already_yours: 'You already earned this item’s points', claimed_by_other: 'Another member already earned this item’s points', not_eligible: '' },
  warranty: 'Register warranty', warrantyMonths: '{{months}}-month warranty', purchaseDate: 'Purchase date', storeName: 'Where you bought it (optional)', register: 'Register', registered: 'Warranty registered until {{date}}', warrantyUntil: 'Warranty until {{date}}',
  myWarranties: 'My warranties', service: 'Ask for service',
  errors: { WARRANTY_EXISTS: 'This item’s warranty is already registered', WARRANTY_NOT_OFFERED: 'This product has no warranty to register', CODE_CLAIMED_BY_OTHER: 'Another member registered this item', CODE_NOT_CLAIMED: 'Check the code first, then register', CODE_NOT_ACTIVE: 'This code is not active and cannot be registered', in_future: 'The purchase date cannot be in the future', TOO_MANY_REQUESTS: 'Too many checks; try again shortly' },
};
