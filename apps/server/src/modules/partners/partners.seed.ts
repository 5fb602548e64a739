import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { createBenefit, createPartner } from './partners.service.ts';
import { importCodes } from './pool.service.ts';

/** An alliance partner (a video app) whose monthly VIP code is a perk of the paid plan, with a pool of 30 codes. */
export async function seedDemoPartners(deps: AppDeps, ctx: RequestContext) {
  const partner = await createPartner(deps, ctx, { name: '光影视频', industry: '视频会员', contact_name: '周经理', settlement_terms: '每码 ¥6，按月结算' });
  const benefit = await createBenefit(deps, ctx, {
    partner_id: partner.id,
    name: '光影视频 VIP 月卡',
    description: '付费会员每月领取一张，在光影视频 App「我的 › 兑换」中输入兑换码',
    kind: 'code_pool',
    period: 'month',
    eligibility: { paid_members: true },
    low_stock_threshold: 5,
  });
  const codes = Array.from({ length: 30 }, () => `GY${crypto.randomBytes(5).toString('hex').toUpperCase()}`);
  await importCodes(deps, ctx, benefit.id, Readable.from([`兑换码\n${codes.join('\n')}\n`]), 'demo-codes.csv');
}
