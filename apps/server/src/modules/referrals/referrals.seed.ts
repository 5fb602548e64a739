import { referralSettingsSchema } from '@hearth/contracts/referrals';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { getInvite, updateReferralSettings } from './invite.service.ts';
import { joinReferral } from './joins.service.ts';

/** Demo referral rules (200 points to the referrer, 100 to the new member) and one new member who joined with an invite. */
export async function seedDemoReferrals(deps: AppDeps, ctx: RequestContext, referrerId: string, refereeId: string) {
  await updateReferralSettings(deps, ctx, referralSettingsSchema.parse({ min_order_fen: 3000, monthly_limit: 20, referrer_points: 200, referee_points: 100 }));
  await joinReferral(deps, ctx, refereeId, { code: (await getInvite(deps, ctx, referrerId)).code });
}
