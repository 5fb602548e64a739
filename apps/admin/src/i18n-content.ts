// Console strings of the content library (内容库) and quizzes (答题), zh-CN first; merged into i18n.ts as `content` and `quizzes`.

export const contentZh = {
  title: '内容库', create: '新建内容', edit: '编辑内容', empty: '还没有内容', search: '搜索标题',
  kind: '类型', kinds: { article: '图文', tutorial: '教程', product_story: '产品故事', video: '视频' },
  status: { draft: '草稿', published: '已发布', archived: '已下架' },
  fields: { title: '标题', summary: '摘要', body: '正文（Markdown）', videoUrl: '视频链接', coverUrl: '封面图链接', tags: '标签', skus: '关联商品 SKU', audience: '可见人群', schedule: '上架时间', publishAt: '上架时间', unpublishAt: '下架时间' },
  everyone: '所有会员', scheduleHint: '按品牌时区 {{zone}} 填写；留空表示发布后立即上架 / 不自动下架',
  preview: '预览', publish: '发布', archive: '下架', publishConfirm: '发布后符合人群与时间的会员即可在会员中心看到。确定发布吗？',
  stats: { title: '阅读与分享', views: '阅读', uniqueViewers: '阅读人数', shares: '分享次数', sharers: '分享人数', perDay: '最近 30 天（品牌时区自然日）', viewsHint: '同一会员同一天多次打开只计 1 次阅读' },
};

export const contentEn: typeof contentZh = {
  title: 'Content library', create: 'New item', edit: 'Edit item', empty: 'No content yet', search: 'Search titles',
  kind: 'Kind', kinds: { article: 'Article', tutorial: 'Tutorial', product_story: 'Product story', video: 'Video' },
  status: { draft: 'Draft', published: 'Published', archived: 'Archived' },
  fields: { title: 'Title', summary: 'Summary', body: 'Body (Markdown)', videoUrl: 'Video URL', coverUrl: 'Cover image URL', tags: 'Tags', skus: 'Linked SKUs', audience: 'Audience', schedule: 'Schedule', publishAt: 'Visible from', unpublishAt: 'Hidden from' },
  everyone: 'All members', scheduleHint: 'In the brand’s time zone {{zone}}; empty means visible as soon as published / never hidden automatically',
  preview: 'Preview', publish: 'Publish', archive: 'Archive', publishConfirm: 'Members in its audience will see it in the member center during its schedule. Publish?',
  stats: { title: 'Views and shares', views: 'Views', uniqueViewers: 'Viewers', shares: 'Shares', sharers: 'Sharers', perDay: 'Last 30 days (brand’s calendar days)', viewsHint: 'A member opening it several times in a day counts as one view' },
};

export const quizzesZh = {
  title: '答题', create: '新建答题', edit: '编辑答题', empty: '还没有答题活动', name: '标题', description: '说明', window: '活动时间',
  attemptRule: '答题次数', attemptRules: { daily: '每人每天 1 次', once: '每人仅 1 次' },
  passScore: '及格分', maxScore: '满分', reward: '通关奖励', rewardHint: '每位会员首次及格时发放一次', noReward: '无奖励', rewardKinds: { points: '积分', coupon: '优惠券' }, points: '积分数', coupon: '优惠券模板',
  questions: '题目', addQuestion: '添加题目', prompt: '题干', options: '选项（每行一个）', correct: '正确答案', questionPoints: '分值', questionKinds: { single: '单选', multiple: '多选' },
  status: { open: '进行中', closed: '已结束' }, close: '结束活动', closeConfirm: '结束后会员不能再作答。确定吗？',
  results: '答题结果', attempts: '作答次数', members: '参与人数', passedMembers: '及格人数', rewarded: '已发奖励', averageScore: '平均分',
  failedRewards: { title: '发放失败的奖励', hint: '券库存不足或券模板已暂停时奖励会发放失败；补充库存或恢复模板后点「重试」，同一会员只会发放一次。', error: '原因', retry: '重试', retried: '已重新发放', stillFailed: '仍未发放：{{error}}' },
  attempt: { member: '会员', period: '日期', score: '得分', passed: '是否及格', time: '时间', yes: '及格', no: '未及格', once: '仅一次' },
};

export const quizzesEn: typeof quizzesZh = {
  title: 'Quizzes', create: 'New quiz', edit: 'Edit quiz', empty: 'No quizzes yet', name: 'Title', description: 'Description', window: 'Runs',
  attemptRule: 'Attempts', attemptRules: { daily: 'Once per member per day', once: 'Once per member' },
  passScore: 'Pass score', maxScore: 'Full score', reward: 'Reward for passing', rewardHint: 'Given once per member, on the first pass', noReward: 'No reward', rewardKinds: { points: 'Points', coupon: 'Coupon' }, points: 'Points', coupon: 'Coupon template',
  questions: 'Questions', addQuestion: 'Add question', prompt: 'Question', options: 'Options (one per line)', correct: 'Right answers', questionPoints: 'Points', questionKinds: { single: 'Single choice', multiple: 'Multiple choice' },
  status: { open: 'Open', closed: 'Closed' }, close: 'Close', closeConfirm: 'Members cannot answer afterwards. Continue?',
  results: 'Results', attempts: 'Attempts', members: 'Members', passedMembers: 'Passed', rewarded: 'Rewards given', averageScore: 'Average score',
  failedRewards: { title: 'Rewards not given', hint: 'A reward fails when the coupon is out of stock or its template is paused; add stock or resume it, then retry — a member still gets it only once.', error: 'Reason', retry: 'Retry', retried: 'Given', stillFailed: 'Still not given: {{error}}' },
  attempt: { member: 'Member', period: 'Day', score: 'Score', passed: 'Passed', time: 'Time', yes: 'Passed', no: 'Failed', once: 'Once' },
};
