import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

export const contentKinds = ['article', 'tutorial', 'product_story', 'video'] as const;
export const contentStatuses = ['draft', 'published', 'archived'] as const;
export const shareChannels = ['wechat', 'moments', 'link', 'other'] as const;

export const contentInputSchema = z
  .object({
    kind: z.enum(contentKinds),
    title: z.string().trim().min(1).max(200),
    summary: z.string().trim().max(500).nullish(),
    body: z.string().max(100_000).default('').describe('Markdown (articles, tutorials, product stories); shown rendered in the member center, raw HTML is not rendered'),
    video_url: z.url({ protocol: /^https?$/ }).max(1000).nullish().describe('kind video: the video page or file, played or opened from the member center'),
    cover_url: z.url({ protocol: /^https?$/ }).max(1000).nullish(),
    tags: z.array(z.string().trim().min(1).max(30)).max(20).default([]),
    skus: z.array(z.string().trim().min(1).max(64)).max(50).default([]).describe('Linked products, by SKU'),
    audience_segment_id: z.uuid().nullish().describe('Only members of this segment see it; null = everyone'),
    publish_at: instant.nullish().describe('Visible from (UTC); null = as soon as published'),
    unpublish_at: instant.nullish().describe('Hidden from (UTC); null = until archived'),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'video' && !c.video_url) ctx.addIssue({ code: 'custom', path: ['video_url'], message: 'a video needs its URL' });
    if (c.publish_at && c.unpublish_at && Date.parse(c.unpublish_at) <= Date.parse(c.publish_at)) ctx.addIssue({ code: 'custom', path: ['unpublish_at'], message: 'ends before it starts' });
  });
export type ContentInput = z.infer<typeof contentInputSchema>;

export const contentStatsSchema = z.object({
  views: z.number().int().describe('Member-days that opened it (a member counts once per local day)'),
  unique_viewers: z.number().int(),
  shares: z.number().int().describe('Share taps'),
  sharers: z.number().int(),
});

export const contentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(contentKinds),
  title: z.string(),
  summary: z.string().nullable(),
  body: z.string(),
  video_url: z.string().nullable(),
  cover_url: z.string().nullable(),
  tags: z.array(z.string()),
  skus: z.array(z.string()),
  audience_segment_id: z.uuid().nullable(),
  publish_at: z.string().nullable(),
  unpublish_at: z.string().nullable(),
  status: z.enum(contentStatuses),
  published_at: z.string().nullable(),
  stats: contentStatsSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type Content = z.infer<typeof contentSchema>;

export const contentListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum(contentStatuses).optional(),
  kind: z.enum(contentKinds).optional(),
  tag: z.string().max(30).optional(),
  q: z.string().trim().max(100).optional().describe('Words in the title'),
});

export const contentDailySchema = z.object({
  item: contentStatsSchema,
  days: z.array(z.object({ day: z.string(), views: z.number().int(), shares: z.number().int() })).describe('Per local day of the tenant, oldest first'),
});

/** What the member center shows: no audience, schedule or stats. */
export const myContentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(contentKinds),
  title: z.string(),
  summary: z.string().nullable(),
  body: z.string(),
  video_url: z.string().nullable(),
  cover_url: z.string().nullable(),
  tags: z.array(z.string()),
  products: z.array(z.object({ sku: z.string(), name: z.string(), list_price_fen: z.number().int() })),
  published_at: z.string().describe('When it became visible (the later of publishing and publish_at)'),
});
export type MyContent = z.infer<typeof myContentSchema>;

export const myViewSchema = z.object({ counted: z.boolean().describe('false when this member already opened it today (tenant’s day)'), day: z.string() });
export const myShareInputSchema = z.object({ channel: z.enum(shareChannels).default('link') });
export const myShareSchema = z.object({ recorded: z.boolean(), counted: z.boolean().describe('The first share of the item today becomes a `share` behaviour event (influence index); more taps are kept in the stats only'), day: z.string() });
