// Console strings of the channel-code and WeCom pages (渠道活码, 企业微信), zh-CN first; merged into i18n.ts as `acquisition`.

export const acquisitionZh = {
  nav: { group: '拉新获客', codes: '渠道活码', wecom: '企业微信' },
  codes: {
    title: '渠道活码', create: '新建活码', empty: '还没有渠道活码', name: '名称', source: '来源', sourceRef: '来源编号（门店 ID / 员工账号 / 合作方代码）', campaign: '活动', target: '扫码去向', staff: '承接员工（企业微信账号）', group: '社群或分流群池', pools: '分流群池（自动选未满的群）', groups: '单个社群', landing: '会员中心页面', status: '状态', archive: '停用', qr: '二维码', funnel: '转化漏斗',
    sources: { store: '门店', staff: '员工', campaign: '活动', partner: '合作方' },
    targets: { official_account: '关注公众号', wecom_contact: '添加企业微信', group: '加入社群', member_center: '会员中心' },
    statuses: { active: '启用', archived: '已停用' },
    steps: { scans: '扫码', scanners: '扫码人数', follows: '关注/添加', registrations: '注册', first_orders: '首单' }, day: '日期', total: '合计', save: '保存', from: '开始日期', to: '结束日期',
    hint: '同一会员只归属第一次带来他的活码；活动名写入会员的「活动」字段（仅在为空时）。公众号和企业微信不回传它们自己二维码的扫码次数，只统计关注与添加。',
  },
  wecom: {
    title: '企业微信', corpId: '企业 ID', agentId: '应用 AgentId', agentIdHelp: '导购工作台放在聊天侧边栏时，用它识别当前聊天的客户', secret: '应用 Secret', token: '回调 Token', aesKey: '回调 EncodingAESKey', enabled: '启用', saved: '已保存', keep: '已设置，留空则不变', callbackPath: '回调地址（填在企业微信后台，需加上公网域名）',
    sync: '立即同步', syncQueued: '已开始同步', lastSync: '上次同步', syncStatus: { running: '同步中', succeeded: '成功', failed: '失败' }, never: '尚未同步',
    operator: '后台账号（导购）', store: '所属门店', contactList: '客户', mappedFilter: '是否已匹配会员', mapped: '已匹配会员', unmapped: '未匹配会员', externalId: '外部联系人 ID', member: '会员', addedBy: '添加的员工', syncedAt: '同步时间', counts: { staff: '员工', contacts: '客户', mapped_contacts: '已匹配会员的客户', follows: '客户关系', groups: '客户群', group_members: '群成员' },
    staff: '员工', userId: '账号', contacts: '客户数', departments: '部门', active: '在职',
  },
};

export const acquisitionEn: typeof acquisitionZh = {
  nav: { group: 'Acquisition', codes: 'Channel codes', wecom: 'WeCom' },
  codes: {
    title: 'Channel codes', create: 'New code', empty: 'No channel codes yet', name: 'Name', source: 'Source', sourceRef: 'Source reference (store id / staff userid / partner code)', campaign: 'Campaign', target: 'Scan leads to', staff: 'Staff taking the adds (WeCom userids)', group: 'Group or routing pool', pools: 'Routing pools (a group that is not full)', groups: 'Single groups', landing: 'Member center page', status: 'Status', archive: 'Archive', qr: 'QR code', funnel: 'Funnel',
    sources: { store: 'Store', staff: 'Staff', campaign: 'Campaign', partner: 'Partner' },
    targets: { official_account: 'Follow the official account', wecom_contact: 'Add on WeCom', group: 'Join a group', member_center: 'Member center' },
    statuses: { active: 'Active', archived: 'Archived' },
    steps: { scans: 'Scans', scanners: 'Scanners', follows: 'Follows/adds', registrations: 'Registrations', first_orders: 'First orders' }, day: 'Day', total: 'Total', save: 'Save', from: 'From', to: 'To',
    hint: 'A member belongs to the first code that brought them; the campaign is written to the member’s campaign field when it is empty. The official account and WeCom do not report scans of their own QR codes, only follows and adds.',
  },
  wecom: {
    title: 'WeCom', corpId: 'Corp id', agentId: 'App AgentId', agentIdHelp: 'Lets the guide workbench in the chat sidebar recognise the customer of the chat', secret: 'App secret', token: 'Callback Token', aesKey: 'Callback EncodingAESKey', enabled: 'Enabled', saved: 'Saved', keep: 'Set; leave empty to keep', callbackPath: 'Callback path (enter it in WeCom with your public host)',
    sync: 'Sync now', syncQueued: 'Sync started', lastSync: 'Last sync', syncStatus: { running: 'Running', succeeded: 'Succeeded', failed: 'Failed' }, never: 'Never synced',
    operator: 'Console account (guide)', store: 'Store', contactList: 'Contacts', mappedFilter: 'Matched to a member?', mapped: 'Matched', unmapped: 'Not matched', externalId: 'External userid', member: 'Member', addedBy: 'Added', syncedAt: 'Synced', counts: { staff: 'Staff', contacts: 'Contacts', mapped_contacts: 'Contacts matched to members', follows: 'Contact relations', groups: 'Customer groups', group_members: 'Group members' },
    staff: 'Staff', userId: 'Userid', contacts: 'Contacts', departments: 'Departments', active: 'Active',
  },
};
