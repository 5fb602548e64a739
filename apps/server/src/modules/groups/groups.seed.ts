import type { AppDeps, RequestContext } from '../../deps.ts';
import { createGroup } from './catalogue.service.ts';
import { recordGroupMemberChange } from './membership.service.ts';
import { createPool } from './pools.service.ts';
import { createAutoReply } from './replies.service.ts';

const DAY = 86_400_000;

/**
 * Demo community groups for the console's first start: a store pool with two groups (the first nearly full), a
 * theme group outside any pool, keyword replies and a month of joins and leaves for the stats. The demo has no
 * WeCom corp, so the chats and join QR links are placeholders.
 */
export async function seedDemoGroups(deps: AppDeps, ctx: RequestContext, storeId: string, memberIds: string[]) {
  const now = deps.clock.now().getTime();
  const pool = await createPool(deps, ctx, { name: '静安寺店福利群', kind: 'store', store_id: storeId, welcome_text: '欢迎加入炉边咖啡静安寺店福利群！每周三会员日第二杯半价，发送「营业时间」「优惠」可自动获取信息。', status: 'active' });
  const groups = [
    await createGroup(deps, ctx, { name: '静安寺店福利 1 群', store_id: storeId, pool_id: pool.id, chat_id: 'demo-chat-1', owner_userid: 'demo-guide', join_qr_url: 'https://wework.qpic.cn/wwpic/demo-join-1.png', capacity: 200, status: 'active' }),
    await createGroup(deps, ctx, { name: '静安寺店福利 2 群', store_id: storeId, pool_id: pool.id, chat_id: 'demo-chat-2', owner_userid: 'demo-guide', join_qr_url: 'https://wework.qpic.cn/wwpic/demo-join-2.png', capacity: 200, status: 'active' }),
    await createGroup(deps, ctx, { name: '手冲爱好者群', theme: '手冲', chat_id: 'demo-chat-3', owner_userid: 'demo-barista', capacity: 200, welcome_text: '欢迎来到手冲爱好者群，每周五晚有杯测分享。', status: 'active' }),
  ];
  await createAutoReply(deps, ctx, { pool_id: pool.id, keyword: '营业时间', match: 'contains', reply_text: '静安寺店每天 8:00–22:00 营业，地址：南京西路 1618 号。', enabled: true });
  await createAutoReply(deps, ctx, { pool_id: pool.id, keyword: '优惠', match: 'contains', reply_text: '本周会员日（周三）全场第二杯半价，出示会员码即可。', enabled: true });
  await createAutoReply(deps, ctx, { group_id: groups[2]!.id, keyword: '杯测', match: 'contains', reply_text: '杯测分享每周五 19:30，在静安寺店二楼，群内接龙报名。', enabled: true });
  const sizes = [186, 64, 41];
  for (const [i, group] of groups.entries()) {
    const chatId = group.chat_id!;
    const ours = memberIds.filter((_, m) => m % 3 === i).slice(0, 20);
    for (const [m, memberId] of ours.entries()) await recordGroupMemberChange(deps, ctx, { chatId, kind: 'join', externalUserId: `demo-wm-${i}-${m}`, memberId, at: new Date(now - (25 - m) * DAY) });
    await recordGroupMemberChange(deps, ctx, { chatId, kind: 'leave', externalUserId: `demo-wm-${i}-left`, memberId: null, at: new Date(now - 3 * DAY), memberCount: sizes[i]! });
  }
}
