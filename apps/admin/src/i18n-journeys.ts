// Console strings of the journeys pages (自动化旅程), zh-CN first; merged into i18n.ts as `journeys`.

export const journeysZh = {
  title: '自动化旅程', create: '新建旅程', name: '旅程名称', status: { draft: '草稿', active: '运行中', paused: '已暂停', stopped: '已停止' },
  version: '版本', noVersion: '未发布', updated: '更新时间', open: '编辑', empty: '还没有旅程',
  rituals: '仪式感通知', ritualsHint: '开箱即用的通知旅程：开启后即创建并发布，可像其他旅程一样编辑。', switchOn: '开启', switchOff: '暂停',
  editor: {
    back: '返回列表', save: '保存草稿', saved: '草稿已保存', publish: '发布', published: '已发布新版本', pause: '暂停', resume: '恢复', stop: '停止',
    stopConfirm: '停止后不再有会员进入，旅程中的会员全部退出。确定吗？', add: '添加步骤', problems: '发布前需要解决', noProblems: '可以发布',
    dryRun: '试运行', dryRunRun: '查看路径', wouldEnter: '会进入', wouldNotEnter: '不会进入', stats: '显示数据', hideStats: '隐藏数据',
    entered: '进入', completed: '完成', sent: '发送', delivered: '送达', clicked: '点击', undelivered: '未送达', converted: '转化', suppressed: '被拦截', uplift: '相对对照组提升', entryRule: '进入规则', goal: '转化目标', noGoal: '不设目标', goalWithin: '进入后', hours: '小时内',
    node: '步骤设置', label: '显示名称', config: '参数（JSON）', invalidJson: 'JSON 格式不正确', apply: '应用', remove: '删除步骤', branch: '分支',
  },
  types: { trigger: '触发', wait: '等待', condition: '条件分支', split: 'A/B 分流', send: '发送消息', coupon: '发券', points: '送积分', tag: '打标签', update_field: '更新资料', guide_task: '导购跟进任务', webhook: 'Webhook', exit: '结束' },
  entryModes: { once: '仅一次', once_per_days: '每 N 天一次', every_time: '每次触发' },
};

export const journeysEn: typeof journeysZh = {
  title: 'Journeys', create: 'New journey', name: 'Name', status: { draft: 'Draft', active: 'Active', paused: 'Paused', stopped: 'Stopped' },
  version: 'Version', noVersion: 'Not published', updated: 'Updated', open: 'Edit', empty: 'No journeys yet',
  rituals: 'Ritual notices', ritualsHint: 'Ready-made notice journeys: switching one on creates and publishes it; edit it like any other.', switchOn: 'Switch on', switchOff: 'Pause',
  editor: {
    back: 'Back to the list', save: 'Save draft', saved: 'Draft saved', publish: 'Publish', published: 'New version published', pause: 'Pause', resume: 'Resume', stop: 'Stop',
    stopConfirm: 'Nobody will enter any more and every member in the journey leaves it. Continue?', add: 'Add a step', problems: 'To fix before publishing', noProblems: 'Ready to publish',
    dryRun: 'Dry run', dryRunRun: 'Show the path', wouldEnter: 'Would enter', wouldNotEnter: 'Would not enter', stats: 'Show stats', hideStats: 'Hide stats',
    entered: 'Entered', completed: 'Completed', sent: 'Sent', delivered: 'Delivered', clicked: 'Clicked', undelivered: 'Undelivered', converted: 'Converted', suppressed: 'Suppressed', uplift: 'Uplift over holdout', entryRule: 'Entry rule', goal: 'Goal', noGoal: 'No goal', goalWithin: 'Within', hours: 'hours of entering',
    node: 'Step settings', label: 'Label', config: 'Settings (JSON)', invalidJson: 'Not valid JSON', apply: 'Apply', remove: 'Remove step', branch: 'Branch',
  },
  types: { trigger: 'Trigger', wait: 'Wait', condition: 'Condition', split: 'A/B split', send: 'Send message', coupon: 'Issue coupon', points: 'Grant points', tag: 'Tag', update_field: 'Update field', guide_task: 'Guide follow-up task', webhook: 'Webhook', exit: 'Exit' },
  entryModes: { once: 'Once ever', once_per_days: 'Once per N days', every_time: 'Every time' },
};
