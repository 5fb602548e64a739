import { z } from 'zod';

export const contestRewardSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal('coupon'), template_id: z.uuid() }),
]);

const contestFields = {
  title: z.string().trim().min(1).max(100),
  description: z.string().trim().max(5000).nullish(),
  submit_from: z.iso.datetime({ offset: true }),
  submit_until: z.iso.datetime({ offset: true }),
  vote_from: z.iso.datetime({ offset: true }),
  vote_until: z.iso.datetime({ offset: true }),
  votes_per_day: z.number().int().min(1).max(100).default(3).describe('Votes a member may cast per day (tenant’s zone)'),
  votes_total: z.number().int().min(1).max(10_000).default(10).describe('Votes a member may cast in the whole contest'),
  vote_weight_bp: z.number().int().min(0).max(10_000).default(5000).describe('Weight of votes in the final score; the jury has the rest'),
  rewards: z.array(contestRewardSchema).max(20).default([]).describe('Reward of each place: the first item for 1st place, and so on; winners are as many as rewards'),
};

export const contestInputSchema = z.object(contestFields).superRefine((c, ctx) => {
  if (Date.parse(c.submit_until) <= Date.parse(c.submit_from)) ctx.addIssue({ code: 'custom', path: ['submit_until'], message: 'must be after submit_from' });
  if (Date.parse(c.vote_until) <= Date.parse(c.vote_from)) ctx.addIssue({ code: 'custom', path: ['vote_until'], message: 'must be after vote_from' });
  if (c.votes_total < c.votes_per_day) ctx.addIssue({ code: 'custom', path: ['votes_total'], message: 'must be at least votes_per_day' });
});
export type ContestInput = z.infer<typeof contestInputSchema>;

export const contestSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  submit_from: z.string(),
  submit_until: z.string(),
  vote_from: z.string(),
  vote_until: z.string(),
  votes_per_day: z.number().int(),
  votes_total: z.number().int(),
  vote_weight_bp: z.number().int(),
  rewards: z.array(contestRewardSchema),
  finalized_at: z.string().nullable(),
  created_at: z.string(),
});
export type Contest = z.infer<typeof contestSchema>;

export const entryInputSchema = z.object({
  title: z.string().trim().min(1).max(100),
  text: z.string().trim().max(5000).default(''),
  image_urls: z.array(z.string().trim().regex(/^https?:\/\/\S+$/i, 'an http(s) URL').max(1000)).max(9).default([]),
});

export const entrySchema = z.object({
  id: z.uuid(),
  contest_id: z.uuid(),
  member_id: z.uuid(),
  member_no: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  image_urls: z.array(z.string()),
  status: z.enum(['pending', 'approved', 'rejected']),
  reject_reason: z.string().nullable(),
  votes: z.number().int(),
  shares: z.number().int(),
  jury_score: z.number().int().nullable(),
  created_at: z.string(),
});
export type Entry = z.infer<typeof entrySchema>;

export const moderationInputSchema = z
  .object({ status: z.enum(['approved', 'rejected']), reason: z.string().trim().max(500).optional() })
  .refine((m) => m.status === 'approved' || Boolean(m.reason), { message: 'give the reason for a rejection', path: ['reason'] });

export const jurySchema = z.object({ score: z.number().int().min(0).max(100) });

export const voteResultSchema = z.object({ votes: z.number().int().describe('The entry’s votes now'), left_today: z.number().int(), left_total: z.number().int() });

export const winnerSchema = z.object({ rank: z.number().int(), entry_id: z.uuid(), member_id: z.uuid(), member_no: z.string().nullable(), title: z.string(), votes: z.number().int(), jury_score: z.number().int().nullable(), score: z.number(), reward_ref: z.string().nullable() });
