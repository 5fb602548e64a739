// Member-center strings of the content (内容) and quiz (答题) pages, zh-CN first; merged into i18n.ts as `content` and `quizzes`.

export const contentZh = {
  title: '精选内容', none: '暂时没有内容', all: '全部', kinds: { article: '图文', tutorial: '教程', product_story: '产品故事', video: '视频' },
  products: '文中商品', share: '分享', shared: '链接已复制，快去分享吧', sharedLink: '已记录分享：{{link}}', playVideo: '播放视频', more: '加载更多',
};

export const contentEn: typeof contentZh = {
  title: 'Stories & tips', none: 'Nothing to read yet', all: 'All', kinds: { article: 'Article', tutorial: 'Tutorial', product_story: 'Product story', video: 'Video' },
  products: 'Products in this story', share: 'Share', shared: 'Link copied — share it with friends', sharedLink: 'Share recorded: {{link}}', playVideo: 'Play video', more: 'Load more',
};

export const quizzesZh = {
  title: '答题闯关', none: '暂时没有答题活动', until: '{{date}} 结束', rules: { daily: '每天可答 1 次', once: '仅可答 1 次' },
  pass: '满分 {{max}}，{{pass}} 分及格', reward: '及格奖励：{{reward}}', rewardPoints: '{{n}} 积分', rewardCoupon: '优惠券一张', rewarded: '奖励已领取',
  single: '单选', multiple: '多选', submit: '提交答案', unanswered: '还有 {{n}} 题没作答',
  done: '今天已答过，明天再来', doneOnce: '已作答', best: '最好成绩 {{score}} 分',
  result: '得分 {{score}} / {{max}}', passed: '恭喜通过！', failed: '未及格，再接再厉', gotReward: '奖励已发放：{{reward}}', rewardFailed: '奖励发放失败，请联系客服',
  right: '答对', wrong: '答错',
  errors: { QUIZ_ALREADY_ATTEMPTED: '这一轮已经答过了', QUIZ_NOT_OPEN: '答题活动已结束' },
};

export const quizzesEn: typeof quizzesZh = {
  title: 'Quizzes', none: 'No quizzes right now', until: 'Ends {{date}}', rules: { daily: 'Once a day', once: 'One attempt' },
  pass: 'Full score {{max}}, pass at {{pass}}', reward: 'Pass reward: {{reward}}', rewardPoints: '{{n}} points', rewardCoupon: 'a coupon', rewarded: 'Reward received',
  single: 'Single choice', multiple: 'Multiple choice', submit: 'Submit answers', unanswered: '{{n}} questions unanswered',
  done: 'Answered today — come back tomorrow', doneOnce: 'Answered', best: 'Best score {{score}}',
  result: 'Score {{score}} / {{max}}', passed: 'Passed!', failed: 'Not passed this time', gotReward: 'Reward given: {{reward}}', rewardFailed: 'The reward could not be given; please contact us',
  right: 'Right', wrong: 'Wrong',
  errors: { QUIZ_ALREADY_ATTEMPTED: 'You have already answered this round', QUIZ_NOT_OPEN: 'This quiz has ended' },
};
