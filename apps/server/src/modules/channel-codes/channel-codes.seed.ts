import type { AppDeps, RequestContext } from '../../deps.ts';
import { createChannelCode, findCodeRow } from './codes.service.ts';
import { recordRegistration, recordScan } from './funnel.service.ts';

const DAY = 86_400_000;

/**
 * Demo channel codes for the console's first start: a table sticker at the first store and a package insert, each
 * with three weeks of scans and a few members who signed up through it (their first orders arrive with the demo's
 * orders, seeded after this). The demo has no official account or WeCom corp, so both lead to the member center.
 */
export async function seedDemoChannelCodes(deps: AppDeps, ctx: RequestContext, storeId: string, memberIds: string[]) {
  const now = deps.clock.now().getTime();
  const codes = [
    { code: await createChannelCode(deps, ctx, { name: '静安寺店桌贴', source_kind: 'store', source_ref: storeId, campaign: '门店桌贴', target_kind: 'member_center' }), scans: 46, members: memberIds.slice(0, 5) },
    { code: await createChannelCode(deps, ctx, { name: '咖啡豆包装卡', source_kind: 'campaign', campaign: '包装卡引流', target_kind: 'member_center', landing_path: '/points' }), scans: 18, members: memberIds.slice(5, 7) },
  ];
  for (const { code, scans, members } of codes) {
    // Scanners come back now and then: about two scans per person.
    for (let i = 0; i < scans; i++) await recordScan(deps.db, ctx.tenantId, code.id, `browser:demo-${code.id.slice(-6)}-${i % Math.ceil(scans / 2)}`, new Date(now - (21 - (i % 21)) * DAY - i * 3_600_000));
    const row = (await findCodeRow(deps.db, ctx.tenantId, code.id))!;
    for (const [i, memberId] of members.entries()) await recordRegistration(deps, ctx, memberId, row, new Date(now - (20 - i * 2) * DAY));
  }
}
