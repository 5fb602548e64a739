import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

export const questionKinds = ['single', 'multiple'] as const;
export const attemptRules = ['daily', 'once'] as const;

export const questionInputSchema = z
  .object({
    id: z.uuid().optional().describe('Keep an existing question’s id when editing; new questions get one'),
    kind: z.enum(questionKinds),
    prompt: z.string().trim().min(1).max(500),
    options: z.array(z.string().trim().min(1).max(200)).min(2).max(8),
    correct: z.array(z.number().int().min(0)).min(1).max(8).describe('Indexes of the right options (one for single choice)'),
    points: z.number().int().min(1).max(100).default(1),
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'single' && q.correct.length !== 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'a single-choice question has exactly one right option' });
    if (new Set(q.correct).size !== q.correct.length) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'an option is listed twice' });
    q.correct.forEach((c, i) => c >= q.options.length && ctx.addIssue({ code: 'custom', path: ['correct', i], message: `there is no option ${c}` }));
  });

export const quizRewardSchema = z
  .object({
    kind: z.enum(['points', 'coupon']),
    points: z.number().int().min(1).max(1_000_000).optional(),
    coupon_template_id: z.uuid().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'points' && !r.points) ctx.addIssue({ code: 'custom', path: ['points'], message: 'required for a points reward' });
    if (r.kind === 'coupon' && !r.coupon_template_id) ctx.addIssue({ code: 'custom', path: ['coupon_template_id'], message: 'required for a coupon reward' });
  });

export const quizInputSchema = z
  .object({
    title: z.string().trim().min(1).max(100),
    description: z.string().max(2000).nullish(),
    starts_at: instant,
    ends_at: instant,
    attempt_rule: z.enum(attemptRules).default('daily').describe('daily: one attempt per member per local day; once: one attempt in all'),
    pass_score: z.number().int().min(0).describe('Score needed to pass (≤ the sum of the questions’ points)'),
    reward: quizRewardSchema.nullish().describe('Given once per member, on the first pass'),
    questions: z.array(questionInputSchema).min(1).max(50),
  })
  .superRefine((q, ctx) => {
    if (Date.parse(q.ends_at) <= Date.parse(q.starts_at)) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'ends before it starts' });
    const max = q.questions.reduce((s, x) => s + x.points, 0);
    if (q.pass_score > max) ctx.addIssue({ code: 'custom', path: ['pass_score'], message: `higher than the most a member can score (${max})` });
  });
export type QuizInput = z.infer<typeof quizInputSchema>;

export const questionSchema = z.object({ id: z.uuid(), kind: z.enum(questionKinds), prompt: z.string(), options: z.array(z.string()), correct: z.array(z.number().int()), points: z.number().int() });

export const quizSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  starts_at: z.string(),
  ends_at: z.string(),
  attempt_rule: z.enum(attemptRules),
  pass_score: z.number().int(),
  max_score: z.number().int(),
  reward: z.object({ kind: z.enum(['points', 'coupon']), points: z.number().int().nullable(), coupon_template_id: z.uuid().nullable() }).nullable(),
  questions: z.array(questionSchema),
  status: z.enum(['open', 'closed']),
  stats: z.object({ attempts: z.number().int(), members: z.number().int(), passed_members: z.number().int(), rewarded: z.number().int(), average_score: z.number() }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Quiz = z.infer<typeof quizSchema>;

export const quizAttemptSchema = z.object({
  id: z.uuid(),
  quiz_id: z.uuid(),
  member_id: z.uuid(),
  period: z.string().describe('The local day of the attempt, or "once"'),
  score: z.number().int(),
  max_score: z.number().int(),
  passed: z.boolean(),
  created_at: z.string(),
});

/** An attempt in the console's results, with the member's number to show. */
export const quizResultSchema = quizAttemptSchema.extend({ member_no: z.string().nullable() });

export const rewardResultSchema = z.object({ kind: z.enum(['points', 'coupon']), status: z.enum(['fulfilled', 'failed']), points: z.number().int().nullable(), coupon_template_id: z.uuid().nullable(), error: z.string().nullable() });

/** A member's quiz reward as operators see it: failed ones (stock ran out, template paused) can be retried. */
export const givenRewardSchema = rewardResultSchema.extend({
  member_id: z.uuid(),
  member_no: z.string().nullable(),
  attempt_id: z.uuid(),
  ref: z.string().nullable().describe('The points transaction or coupon it gave'),
  created_at: z.string(),
});
export type GivenReward = z.infer<typeof givenRewardSchema>;

/** What a member sees of a quiz: never the right answers. */
export const myQuizSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  ends_at: z.string(),
  attempt_rule: z.enum(attemptRules),
  pass_score: z.number().int(),
  max_score: z.number().int(),
  reward: quizSchema.shape.reward,
  questions: z.array(questionSchema.omit({ correct: true })),
  can_attempt: z.boolean().describe('false once today’s (or the only) attempt is used'),
  best: z.object({ score: z.number().int(), passed: z.boolean() }).nullable(),
  rewarded: z.boolean(),
});

export const myAnswersSchema = z.object({ answers: z.array(z.object({ question_id: z.uuid(), choices: z.array(z.number().int().min(0)).max(8) })).max(50) });

export const myAttemptResultSchema = quizAttemptSchema.extend({
  results: z.array(z.object({ question_id: z.uuid(), correct: z.boolean() })).describe('Right or wrong per question; the right options stay hidden'),
  reward: rewardResultSchema.nullable().describe('Set on the pass that earned the reward; null otherwise (also on later passes)'),
});
