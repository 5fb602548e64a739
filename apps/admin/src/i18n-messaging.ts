// Console strings of the messaging pages (消息触达), zh-CN first; merged into i18n.ts as `messaging`.

export const messagingZh = {
  channelNames: { wechat_template: '公众号模板消息', wechat_subscribe: '小程序订阅消息', sms: '短信', email: '邮件', web_push: '浏览器推送', inbox: '站内信', webhook: 'Webhook', wecom_group: '企业微信社群群发（每个群）' },
  providerNames: { smtp: '邮件（SMTP）', aliyun_sms: '阿里云短信', tencent_sms: '腾讯云短信', wechat_oa: '微信公众号', wechat_mp: '微信小程序', web_push: '浏览器推送（VAPID）', webhook: 'Webhook' },
  statusNames: { queued: '排队中', delayed: '免打扰延后', sending: '发送中', sent: '已发送', delivered: '已送达', failed: '失败', bounced: '退信', clicked: '已点击', suppressed: '已拦截' },
  categories: { marketing: '营销', transactional: '服务通知' },
  channels: {
    title: '渠道与频控', providers: '渠道凭据', enabled: '启用', settings: '参数', secrets: '密钥（只写）', secretSet: '已设置，留空则不变', secretUnset: '未设置',
    save: '保存渠道', saved: '渠道已保存', test: '测试发送', testTo: '发送到（邮箱 / 手机号 / openid）', testTemplate: '模板编号（短信 / 微信）', testSent: '测试消息已发出', testSend: '发送',
    policy: '频控与免打扰', caps: '营销消息频控（每位会员）', perDay: '每天最多', perWeek: '每周最多', noLimit: '不限', quiet: '免打扰时段', quietHint: '时段内到期的营销消息延后到结束时发出，不会丢弃（品牌时区）。',
    quietStart: '开始', quietEnd: '结束', transactional: '服务通知是否需要授权', consent: { not_required: '不需要', unless_withdrawn: '会员撤回后不发', required: '需要明确授权' },
    tracking: '点击追踪', trackingHint: '开启后邮件与短信中的链接经过签名跳转，记录点击。', baseUrl: '会员访问 Hearth 的网址', savePolicy: '保存设置',
  },
  templates: {
    title: '消息模板', create: '新建模板', edit: '编辑模板', name: '模板名称', channel: '渠道', category: '类型', status: { active: '使用中', archived: '已归档' },
    archive: '归档', restore: '恢复', providerTemplate: '服务商模板编号', signName: '短信签名', zh: '中文', en: 'English', subject: '标题', body: '正文', link: '点击链接',
    fields: '模板参数（每行 名称=值）', variants: '内容变体（千人千面，先匹配先用）', variantKey: '变体名', segment: '人群', region: '省份或城市', addVariant: '添加变体',
    variables: '可用变量', preview: '会员预览', previewMember: '会员 ID', previewRun: '预览', previewLocale: '语言', variantUsed: '使用变体', defaultBodies: '默认内容', updated: '更新时间',
  },
  broadcasts: {
    title: '群发', create: '新建群发', name: '群发名称', segment: '目标人群', channel: '渠道', category: '类型', variants: 'A/B 方案', key: '方案', template: '模板', weight: '占比 %',
    addVariant: '添加方案', holdout: '对照组 %', holdoutHint: '对照组会员不会收到消息，用于衡量效果。', sendAt: '发送时间', now: '立即发送', weightsSum: '各方案占比之和须为 100%',
    status: { scheduled: '待发送', running: '发送中', done: '已完成', canceled: '已取消' }, progress: '进度', processed: '已处理', queued: '已受理', delayed: '延后', suppressed: '拦截',
    cancel: '取消群发', cancelConfirm: '取消后不再处理剩余会员，已受理的消息仍会发出。确定吗？', stats: '各方案数据', members: '会员', pending: '待发', sent: '已发送', delivered: '已送达', clicked: '已点击', failed: '失败', holdoutRow: '对照组',
  },
  deliveries: { title: '发送记录', member: '会员 ID', channel: '渠道', status: '状态', reason: '原因', source: '来源', attempts: '尝试', sendAt: '计划时间', sentAt: '发送时间', error: '错误', template: '模板' },
};

export const messagingEn: typeof messagingZh = {
  channelNames: { wechat_template: 'WeChat template message', wechat_subscribe: 'Mini-program subscribe message', sms: 'SMS', email: 'Email', web_push: 'Web push', inbox: 'Inbox', webhook: 'Webhook', wecom_group: 'WeCom group broadcasts (per group)' },
  providerNames: { smtp: 'Email (SMTP)', aliyun_sms: 'Aliyun SMS', tencent_sms: 'Tencent Cloud SMS', wechat_oa: 'WeChat official account', wechat_mp: 'WeChat mini program', web_push: 'Web push (VAPID)', webhook: 'Webhook' },
  statusNames: { queued: 'Queued', delayed: 'Delayed (quiet hours)', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', failed: 'Failed', bounced: 'Bounced', clicked: 'Clicked', suppressed: 'Suppressed' },
  categories: { marketing: 'Marketing', transactional: 'Service notice' },
  channels: {
    title: 'Channels and caps', providers: 'Channel credentials', enabled: 'Enabled', settings: 'Settings', secrets: 'Secrets (write-only)', secretSet: 'Set; leave empty to keep', secretUnset: 'Not set',
    save: 'Save channel', saved: 'Channel saved', test: 'Test send', testTo: 'Send to (email / phone / openid)', testTemplate: 'Template code (SMS / WeChat)', testSent: 'Test message sent', testSend: 'Send',
    policy: 'Caps and quiet hours', caps: 'Marketing caps (per member)', perDay: 'Per day', perWeek: 'Per week', noLimit: 'No limit', quiet: 'Quiet hours', quietHint: 'Marketing messages due in these hours wait until they end; never dropped (brand time zone).',
    quietStart: 'Start', quietEnd: 'End', transactional: 'Do service notices need consent', consent: { not_required: 'Not required', unless_withdrawn: 'Not after the member withdrew', required: 'Explicit consent required' },
    tracking: 'Click tracking', trackingHint: 'Links in email and SMS go through a signed redirect that records the click.', baseUrl: 'URL members reach Hearth at', savePolicy: 'Save settings',
  },
  templates: {
    title: 'Message templates', create: 'New template', edit: 'Edit template', name: 'Name', channel: 'Channel', category: 'Kind', status: { active: 'Active', archived: 'Archived' },
    archive: 'Archive', restore: 'Restore', providerTemplate: 'Provider template code', signName: 'SMS signature', zh: '中文', en: 'English', subject: 'Subject', body: 'Body', link: 'Link',
    fields: 'Template parameters (one name=value a line)', variants: 'Content variants (first match wins)', variantKey: 'Variant', segment: 'Segment', region: 'Province or city', addVariant: 'Add variant',
    variables: 'Variables', preview: 'Member preview', previewMember: 'Member ID', previewRun: 'Preview', previewLocale: 'Language', variantUsed: 'Variant used', defaultBodies: 'Default content', updated: 'Updated',
  },
  broadcasts: {
    title: 'Broadcasts', create: 'New broadcast', name: 'Name', segment: 'Segment', channel: 'Channel', category: 'Kind', variants: 'A/B variants', key: 'Variant', template: 'Template', weight: 'Share %',
    addVariant: 'Add variant', holdout: 'Holdout %', holdoutHint: 'Holdout members get nothing; they measure the effect.', sendAt: 'Send at', now: 'Now', weightsSum: 'Variant shares must add up to 100%',
    status: { scheduled: 'Scheduled', running: 'Sending', done: 'Done', canceled: 'Canceled' }, progress: 'Progress', processed: 'Processed', queued: 'Accepted', delayed: 'Delayed', suppressed: 'Suppressed',
    cancel: 'Cancel broadcast', cancelConfirm: 'No further members are processed; messages already accepted still go out. Continue?', stats: 'Per variant', members: 'Members', pending: 'Pending', sent: 'Sent', delivered: 'Delivered', clicked: 'Clicked', failed: 'Failed', holdoutRow: 'Holdout',
  },
  deliveries: { title: 'Delivery log', member: 'Member ID', channel: 'Channel', status: 'Status', reason: 'Reason', source: 'Source', attempts: 'Attempts', sendAt: 'Due', sentAt: 'Sent', error: 'Error', template: 'Template' },
};
