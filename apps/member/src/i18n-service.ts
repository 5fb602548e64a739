// Member-center strings of the after-sales pages (售后服务), zh-CN first; merged into i18n.ts as `service`.

export const serviceZh = {
  title: '售后服务', new: '申请售后', none: '还没有售后申请', detail: '售后详情',
  type: { return: '退货', exchange: '换货', repair: '维修', warranty: '保修', complaint: '投诉', consultation: '咨询' },
  status: { submitted: '已提交', accepted: '已受理', in_progress: '处理中', resolved: '已解决', closed: '已关闭', rejected: '已驳回' },
  typeLabel: '服务类型', order: '关联订单', noOrder: '不关联订单', orderOption: '{{date}} · {{total}}', lines: '选择商品和数量', line: '{{sku}} × {{qty}}（{{price}}）', code: '或填写已扫码的商品防伪码', codePlaceholder: '扫码验真后的防伪码',
  subject: '问题概述', description: '详细描述', attachments: '图片链接（每行一个，最多 9 个）', submit: '提交申请', submitted: '售后申请已提交',
  needLines: '退货和换货请选择订单和商品', history: '处理进度', comments: '沟通记录', noComments: '暂无留言', you: '我', staff: '客服', addComment: '留言', commentPlaceholder: '补充说明或回复客服', send: '发送', sent: '已发送',
  acceptBy: '{{date}} 前受理', resolveBy: '{{date}} 前处理完成', refunded: '已为你办理退款',
  survey: '服务评价', surveyHint: '工单已关闭，请为本次服务打分', surveyComment: '说说你的感受（选填）', surveySubmit: '提交评价', surveyThanks: '感谢你的评价！', rated: '我的评价：{{score}} 星',
  errors: { SERVICE_TICKET_CLOSED: '工单已关闭，不能再留言', SURVEY_NOT_ALLOWED: '工单关闭后才能评价', SURVEY_ALREADY_SUBMITTED: '你已评价过', required: '请填写必填项：退货和换货需选择订单和商品，维修和保修需选择订单或防伪码', unknown_code: '请先扫码验真该商品后再申请', unknown_order: '未找到该订单', unknown_line: '订单中没有该商品', exceeds_remaining: '数量超过可申请数量' },
};

export const serviceEn: typeof serviceZh = {
  title: 'After-sales service', new: 'Ask for service', none: 'No service requests yet', detail: 'Service request',
  type: { return: 'Return', exchange: 'Exchange', repair: 'Repair', warranty: 'Warranty', complaint: 'Complaint', consultation: 'Question' },
  status: { submitted: 'Submitted', accepted: 'Accepted', in_progress: 'In progress', resolved: 'Resolved', closed: 'Closed', rejected: 'Rejected' },
  typeLabel: 'Type', order: 'Order', noOrder: 'No order', orderOption: '{{date}} · {{total}}', lines: 'Items and quantities', line: '{{sku}} × {{qty}} ({{price}})', code: 'Or the code of a product you checked', codePlaceholder: 'The product code you scanned',
  subject: 'Summary', description: 'Details', attachments: 'Photo links (one per line, up to 9)', submit: 'Send request', submitted: 'Service request sent',
  needLines: 'Returns and exchanges need an order and its items', history: 'Progress', comments: 'Messages', noComments: 'No messages yet', you: 'Me', staff: 'Service desk', addComment: 'Message', commentPlaceholder: 'Add details or reply', send: 'Send', sent: 'Sent',
  acceptBy: 'Accepted by {{date}}', resolveBy: 'Resolved by {{date}}', refunded: 'Your refund was issued',
  survey: 'Rate our service', surveyHint: 'This request is closed; how did we do?', surveyComment: 'Tell us more (optional)', surveySubmit: 'Send rating', surveyThanks: 'Thank you for your rating!', rated: 'My rating: {{score}} stars',
  errors: { SERVICE_TICKET_CLOSED: 'This request is closed', SURVEY_NOT_ALLOWED: 'You can rate once the request is closed', SURVEY_ALREADY_SUBMITTED: 'You already rated this', required: 'Missing: returns and exchanges need an order and items; repairs and warranty an order or a product code', unknown_code: 'Check the product’s code first, then ask', unknown_order: 'No such order', unknown_line: 'That item is not in the order', exceeds_remaining: 'More than can be claimed' },
};
