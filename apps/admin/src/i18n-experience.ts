// Console strings of the experience-officer pages (体验官), zh-CN first; merged into i18n.ts as `experience`.

export const experienceZh = {
  title: '体验官招募', create: '新建招募', empty: '还没有体验官活动', open: '管理',
  name: '活动名称', product: '体验商品（SKU）', places: '名额', window: '报名时间', applyFrom: '报名开始', applyUntil: '报名截止', due: '反馈截止',
  description: '活动介绍', reward: '完整反馈奖励', rewardKinds: { none: '无', points: '积分', coupon: '优惠券', badge: '勋章' },
  rewardPoints: '奖励积分', rewardTemplate: '优惠券模板 ID', rewardBadge: '勋章名称',
  latePolicy: '逾期反馈', latePolicies: { reward: '照常奖励', no_reward: '接收但不奖励', refuse: '不再接收' },
  reminderDays: '截止前提醒（天，逗号分隔）',
  questions: '报名问卷', addQuestion: '添加问题', questionKey: '字段名', questionLabel: '问题', questionType: '类型', questionOptions: '选项（逗号分隔）', required: '必填',
  questionTypes: { text: '文本', single: '单选', multi: '多选', number: '数字', boolean: '是/否' },
  aspects: '评分维度（1–5 分）', addAspect: '添加维度', aspectKey: '字段名', aspectLabel: '维度',
  textMin: '文字评价最少字数', photosMin: '最少图片', photosMax: '最多图片',
  quotas: '地区名额（省份 → 最多入选）', addQuota: '添加地区', province: '省份',
  phase: { upcoming: '未开始', recruiting: '招募中', selecting: '待选拔', trial: '体验中', ended: '已结束' },
  counts: '报名 {{applied}} · 入选 {{selected}} · 已发货 {{shipped}} · 反馈 {{feedback}}',
  tabs: { applicants: '申请人', selection: '选拔', shipments: '发货', report: '反馈报告' },
  rank: '排名', member: '会员号', score: '得分', status: '状态', appliedAt: '报名时间', submittedAt: '提交时间', answers: '问卷回答',
  statuses: { applied: '已报名', selected: '已入选', not_selected: '未入选' },
  factors: { clv: '客户价值（CLV 百分位）', activity: '活跃度（近 90 天订单）', influence: '影响力指数', feedback_quality: '历史反馈质量' },
  factorLine: '{{value}} 分 × {{weight}}% = {{points}}', rescore: '重新评分', rescored: '已重新评分 {{n}} 份申请',
  proposal: '系统建议（按得分，遵守地区名额）', proposalHint: '名额 {{places}}，已入选 {{selected}}；以下为建议入选名单，确认后才会生效。',
  skipped: '因地区名额已满跳过', confirm: '确认入选', rejectOthers: '同时将其余申请人标记为未入选', confirmed: '已确认 {{n}} 人入选',
  address: '收货地址', reveal: '查看完整地址', revealHint: '查看将记录审计日志', noAddress: '尚未填写',
  carrier: '快递公司', trackingNo: '运单号', shipped: '发货时间', delivered: '签收时间', ship: '登记发货', markDelivered: '标记签收', feedbackState: '反馈与奖励', feedbackMissing: '未提交', rewardGiven: '已发奖励', feedbackNoReward: '已提交', retryReward: '重发奖励', rewardRetried: '奖励已发放', rewardStillFailed: '仍未发放：{{error}}',
  feedbackCount: '反馈 {{feedback}} 份（逾期 {{late}}，已奖励 {{rewarded}}），平均质量分 {{quality}}',
  aspect: '维度', average: '平均分', distribution: '1–5 分分布', comments: '评价', late: '逾期', downloadCsv: '导出反馈 CSV',
  funnel: '报名 {{applied}} → 入选 {{selected}} → 发货 {{shipped}} → 签收 {{delivered}} → 反馈 {{feedback}}',
  settings: '评分权重', weights: '权重（%）', weightsHint: '四项合计 100%', activityFull: '满分活跃度所需订单数',
  errors: {
    EXPERIENCE_PLACES_EXCEEDED: '超出名额，未做任何变更', EXPERIENCE_QUOTA_EXCEEDED: '超出地区名额，未做任何变更', EXPERIENCE_NOT_SELECTED: '该会员未入选', VALIDATION_FAILED: '请检查标红的字段',
  },
};

export const experienceEn: typeof experienceZh = {
  title: 'Experience officers', create: 'New program', empty: 'No programs yet', open: 'Manage',
  name: 'Program', product: 'Product (SKU)', places: 'Places', window: 'Applications', applyFrom: 'Applications open', applyUntil: 'Applications close', due: 'Feedback due',
  description: 'Description', reward: 'Reward for complete feedback', rewardKinds: { none: 'None', points: 'Points', coupon: 'Coupon', badge: 'Badge' },
  rewardPoints: 'Points', rewardTemplate: 'Coupon template id', rewardBadge: 'Badge name',
  latePolicy: 'Late feedback', latePolicies: { reward: 'Rewarded', no_reward: 'Accepted, no reward', refuse: 'Refused' },
  reminderDays: 'Reminders (days before, comma-separated)',
  questions: 'Questionnaire', addQuestion: 'Add question', questionKey: 'Key', questionLabel: 'Question', questionType: 'Type', questionOptions: 'Options (comma-separated)', required: 'Required',
  questionTypes: { text: 'Text', single: 'Single choice', multi: 'Multiple choice', number: 'Number', boolean: 'Yes/no' },
  aspects: 'Rated aspects (1–5)', addAspect: 'Add aspect', aspectKey: 'Key', aspectLabel: 'Aspect',
  textMin: 'Minimum characters of text', photosMin: 'Minimum photos', photosMax: 'Maximum photos',
  quotas: 'Region quotas (province → at most selected)', addQuota: 'Add region', province: 'Province',
  phase: { upcoming: 'Upcoming', recruiting: 'Recruiting', selecting: 'Selecting', trial: 'On trial', ended: 'Ended' },
  counts: '{{applied}} applied · {{selected}} selected · {{shipped}} shipped · {{feedback}} feedback',
  tabs: { applicants: 'Applicants', selection: 'Selection', shipments: 'Shipments', report: 'Feedback report' },
  rank: 'Rank', member: 'Member no.', score: 'Score', status: 'Status', appliedAt: 'Applied', submittedAt: 'Submitted', answers: 'Answers',
  statuses: { applied: 'Applied', selected: 'Selected', not_selected: 'Not selected' },
  factors: { clv: 'Customer value (CLV percentile)', activity: 'Activity (orders, last 90 days)', influence: 'Influence index', feedback_quality: 'Past feedback quality' },
  factorLine: '{{value}} × {{weight}}% = {{points}}', rescore: 'Rescore', rescored: '{{n}} applications rescored',
  proposal: 'Suggested (by score, within region quotas)', proposalHint: '{{places}} places, {{selected}} selected; nothing changes until you confirm.',
  skipped: 'Skipped: region quota full', confirm: 'Confirm selection', rejectOthers: 'Mark everyone else not selected', confirmed: '{{n}} members selected',
  address: 'Shipping address', reveal: 'Show full address', revealHint: 'Viewing is audited', noAddress: 'Not given yet',
  carrier: 'Carrier', trackingNo: 'Tracking no.', shipped: 'Shipped', delivered: 'Delivered', ship: 'Record shipment', markDelivered: 'Mark delivered', feedbackState: 'Feedback & reward', feedbackMissing: 'Not yet', rewardGiven: 'Rewarded', feedbackNoReward: 'Submitted', retryReward: 'Retry reward', rewardRetried: 'Reward given', rewardStillFailed: 'Still not given: {{error}}',
  feedbackCount: '{{feedback}} feedback ({{late}} late, {{rewarded}} rewarded), average quality {{quality}}',
  aspect: 'Aspect', average: 'Average', distribution: 'Ratings 1–5', comments: 'Comments', late: 'Late', downloadCsv: 'Export feedback CSV',
  funnel: '{{applied}} applied → {{selected}} selected → {{shipped}} shipped → {{delivered}} delivered → {{feedback}} feedback',
  settings: 'Score weights', weights: 'Weights (%)', weightsHint: 'The four add up to 100%', activityFull: 'Orders for full activity',
  errors: {
    EXPERIENCE_PLACES_EXCEEDED: 'More than the places left; nothing changed', EXPERIENCE_QUOTA_EXCEEDED: 'Over a region quota; nothing changed', EXPERIENCE_NOT_SELECTED: 'This member is not selected', VALIDATION_FAILED: 'Check the fields in red',
  },
};

export const contestsZh = {
  title: '评选大赛', create: '新建大赛', empty: '还没有评选大赛', name: '大赛名称', submitWindow: '投稿时间', voteWindow: '投票时间',
  votesPerDay: '每人每天票数', votesTotal: '每人总票数', voteWeight: '投票权重（%，其余为评委）', rewards: '名次奖励积分（逗号分隔，第 1 名在前）',
  entries: '作品', finalize: '评奖', finalized: '已评奖', winners: '获奖名单', rank: '名次', score: '综合分', votes: '票数', shares: '分享', jury: '评委分',
  approve: '通过', reject: '驳回', rejectReason: '驳回原因', member: '会员号', work: '作品', status: { pending: '待审核', approved: '已通过', rejected: '已驳回' },
};

export const contestsEn: typeof contestsZh = {
  title: 'Contests', create: 'New contest', empty: 'No contests yet', name: 'Contest', submitWindow: 'Entries', voteWindow: 'Voting',
  votesPerDay: 'Votes per member per day', votesTotal: 'Votes per member in all', voteWeight: 'Weight of votes (%, the jury has the rest)', rewards: 'Points per place (comma-separated, 1st first)',
  entries: 'Entries', finalize: 'Pick winners', finalized: 'Winners picked', winners: 'Winners', rank: 'Place', score: 'Score', votes: 'Votes', shares: 'Shares', jury: 'Jury',
  approve: 'Approve', reject: 'Reject', rejectReason: 'Reason for rejecting', member: 'Member no.', work: 'Entry', status: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected' },
};
