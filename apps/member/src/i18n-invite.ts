// Member-center strings of the invite page (邀请有礼), zh-CN first; merged into i18n.ts as `invite`.

export const inviteZh = {
  title: '邀请有礼', myCode: '我的邀请码', copy: '复制邀请链接', copied: '邀请链接已复制', share: '分享给好友', shared: '已记录分享', posterLabel: '邀请海报二维码，好友扫码加入',
  posterHint: '好友扫码或打开链接注册，首单满 {{min}} 后你们都有礼', posterHintAny: '好友扫码或打开链接注册，完成首单后你们都有礼', offerReferrer: '你得：{{gift}}', offerReferee: '好友得：{{gift}}', points: '{{n}} 积分', coupon: '优惠券', and: ' + ',
  joined: '已邀请 {{n}} 人', rewarded: '已得奖 {{n}} 人', friends: '我邀请的好友', noFriends: '还没有好友通过你的邀请加入', friend: '会员 {{no}}', joinedAt: '{{date}} 加入',
  status: { joined: '已注册', ordered: '已下单，待发奖', rewarded: '已发奖', canceled: '未达成', pending_review: '已注册', rejected: '已注册' },
  reward: '你获得 {{gift}}',
  joinTitle: '填写好友的邀请码', joinHint: '新会员注册后 3 天内可填写一次', codePlaceholder: '如 K7QM2-9XHTR-4PW8Z', join: '确认加入', joinedOk: '已加入好友的邀请，完成首单后奖励到账',
  inviteFrom: '好友邀请你加入，确认后你们都有机会得到奖励',
  errors: { REFERRAL_EXISTS: '你已经填写过邀请码', REFERRALS_DISABLED: '邀请活动暂未开放', own_code: '不能填写自己的邀请码', too_late: '只有新注册的会员才能填写邀请码', unknown: '邀请码不正确，请检查后重试', MEMBER_NOT_ACTIVE: '会员账户不可用' },
};

export const inviteEn: typeof inviteZh = {
  title: 'Invite friends', myCode: 'My invite code', copy: 'Copy invite link', copied: 'Invite link copied', share: 'Share with friends', shared: 'Share recorded', posterLabel: 'Invite poster QR code: friends scan it to join',
  posterHint: 'Friends who join through your code and spend {{min}} on their first order earn you both a gift', posterHintAny: 'Friends who join through your code and place a first order earn you both a gift', offerReferrer: 'You get: {{gift}}', offerReferee: 'Your friend gets: {{gift}}', points: '{{n}} points', coupon: 'a coupon', and: ' + ',
  joined: '{{n}} invited', rewarded: '{{n}} rewarded', friends: 'Friends I invited', noFriends: 'No friends have joined through your invite yet', friend: 'Member {{no}}', joinedAt: 'Joined {{date}}',
  status: { joined: 'Joined', ordered: 'Ordered, reward on its way', rewarded: 'Rewarded', canceled: 'Did not qualify', pending_review: 'Joined', rejected: 'Joined' },
  reward: 'You got {{gift}}',
  joinTitle: 'Enter a friend’s invite code', joinHint: 'New members can enter one within 3 days of joining', codePlaceholder: 'e.g. K7QM2-9XHTR-4PW8Z', join: 'Join', joinedOk: 'You joined through your friend’s invite; rewards follow your first order',
  inviteFrom: 'A friend invited you: confirm and you can both earn a reward',
  errors: { REFERRAL_EXISTS: 'You have already entered an invite code', REFERRALS_DISABLED: 'Invitations are not open', own_code: 'This is your own invite code', too_late: 'Only new members can enter an invite code', unknown: 'That invite code is not right; check it and try again', MEMBER_NOT_ACTIVE: 'This membership is not active' },
};
