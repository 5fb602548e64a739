// Member-center strings of the experience-officer pages (体验官), zh-CN first; merged into i18n.ts as `experience`.

export const experienceZh = {
  title: '体验官招募', programs: '招募中', mine: '我的申请', none: '暂无招募活动', noneMine: '还没有申请', places: '名额 {{n}} 人', until: '{{date}} 截止报名', due: '反馈截止 {{date}}',
  notEligible: '本活动仅限指定会员参加', apply: '立即申请', applied: '已申请', province: '所在省份', provincePlaceholder: '如：上海', yes: '是', no: '否', required: '必填',
  reward: { none: '', points: '完成反馈可得 {{points}} 积分', coupon: '完成反馈可得优惠券一张', badge: '完成反馈可得「{{badge}}」勋章' },
  phase: { upcoming: '即将开始', recruiting: '招募中', selecting: '选拔中', trial: '体验中', ended: '已结束' },
  status: { applied: '审核中', selected: '已入选', not_selected: '未入选' },
  quality: '反馈质量分 {{score}}（{{count}} 次反馈）', badges: '我的勋章', view: '查看',
  address: '收货地址', recipient: '收货人', phone: '手机号', city: '城市', district: '区县', line: '详细地址', saveAddress: '保存地址', addressSaved: '地址已保存',
  shipment: '物流', shippedBy: '{{carrier}} {{no}}，{{date}} 发货', delivered: '已签收', notShipped: '等待发货',
  feedback: '体验反馈', rate: '请评分（1–5）', text: '使用感受', textHint: '至少 {{n}} 字，当前 {{count}} 字', photos: '图片链接（每行一个）', photosHint: '{{min}}–{{max}} 张',
  submit: '提交反馈', submitted: '反馈已提交', rewarded: '奖励已发放', late: '逾期提交', qualityOf: '本次反馈质量分 {{q}}',
  errors: {
    EXPERIENCE_NOT_OPEN: '当前不在报名时间内', EXPERIENCE_ALREADY_APPLIED: '您已申请过本活动', MEMBER_NOT_ELIGIBLE: '本活动仅限指定会员参加', EXPERIENCE_NOT_SELECTED: '您未入选本活动',
    EXPERIENCE_FEEDBACK_EXISTS: '您已提交过反馈', EXPERIENCE_FEEDBACK_CLOSED: '反馈已截止', VALIDATION_FAILED: '请检查填写的内容',
  },
};

export const experienceEn: typeof experienceZh = {
  title: 'Experience officers', programs: 'Recruiting', mine: 'My applications', none: 'No programs right now', noneMine: 'No applications yet', places: '{{n}} places', until: 'Apply by {{date}}', due: 'Feedback due {{date}}',
  notEligible: 'This program is for selected members', apply: 'Apply now', applied: 'Applied', province: 'Province', provincePlaceholder: 'e.g. Shanghai', yes: 'Yes', no: 'No', required: 'Required',
  reward: { none: '', points: 'Complete feedback earns {{points}} points', coupon: 'Complete feedback earns a coupon', badge: 'Complete feedback earns the “{{badge}}” badge' },
  phase: { upcoming: 'Upcoming', recruiting: 'Recruiting', selecting: 'Selecting', trial: 'On trial', ended: 'Ended' },
  status: { applied: 'Under review', selected: 'Selected', not_selected: 'Not selected' },
  quality: 'Feedback quality {{score}} ({{count}} feedback)', badges: 'My badges', view: 'View',
  address: 'Shipping address', recipient: 'Recipient', phone: 'Phone', city: 'City', district: 'District', line: 'Street address', saveAddress: 'Save address', addressSaved: 'Address saved',
  shipment: 'Shipment', shippedBy: '{{carrier}} {{no}}, shipped {{date}}', delivered: 'Delivered', notShipped: 'Not shipped yet',
  feedback: 'Your feedback', rate: 'Rate 1–5', text: 'Your experience', textHint: 'At least {{n}} characters, {{count}} so far', photos: 'Photo links (one per line)', photosHint: '{{min}}–{{max}} photos',
  submit: 'Send feedback', submitted: 'Feedback sent', rewarded: 'Reward given', late: 'Sent late', qualityOf: 'Quality of this feedback: {{q}}',
  errors: {
    EXPERIENCE_NOT_OPEN: 'Applications are closed', EXPERIENCE_ALREADY_APPLIED: 'You have already applied', MEMBER_NOT_ELIGIBLE: 'This program is for selected members', EXPERIENCE_NOT_SELECTED: 'You were not selected',
    EXPERIENCE_FEEDBACK_EXISTS: 'Feedback already sent', EXPERIENCE_FEEDBACK_CLOSED: 'The feedback deadline has passed', VALIDATION_FAILED: 'Please check what you entered',
  },
};
