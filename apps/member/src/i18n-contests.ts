// Member-center strings of the contest pages (评选大赛), zh-CN first; merged into i18n.ts as `contests`.

export const contestsZh = {
  title: '评选大赛', none: '暂无进行中的大赛', entries: '参赛作品', noEntries: '还没有通过审核的作品',
  phase: { upcoming: '即将开始', submitting: '征稿中', voting: '投票中', between: '评审中', ended: '已结束' },
  submitUntil: '{{date}} 截止投稿', voteUntil: '{{date}} 截止投票', limits: '每天可投 {{day}} 票，共 {{total}} 票',
  votes: '{{n}} 票', vote: '投票', voted: '投票成功，今天还可投 {{today}} 票', share: '分享', shared: '已记录分享',
  enter: '我要参赛', entryTitle: '作品标题', entryText: '作品描述', imageUrls: '图片链接（每行一个，最多 9 个）',
  submit: '提交作品', submitted: '作品已提交，审核通过后展示',
};

export const contestsEn: typeof contestsZh = {
  title: 'Contests', none: 'No contests right now', entries: 'Entries', noEntries: 'No approved entries yet',
  phase: { upcoming: 'Upcoming', submitting: 'Taking entries', voting: 'Voting', between: 'Under review', ended: 'Ended' },
  submitUntil: 'Entries until {{date}}', voteUntil: 'Voting until {{date}}', limits: '{{day}} votes a day, {{total}} in all',
  votes: '{{n}} votes', vote: 'Vote', voted: 'Vote counted; {{today}} left today', share: 'Share', shared: 'Share recorded',
  enter: 'Enter', entryTitle: 'Title', entryText: 'Description', imageUrls: 'Image links (one per line, up to 9)',
  submit: 'Send entry', submitted: 'Entry sent; it shows once approved',
};
