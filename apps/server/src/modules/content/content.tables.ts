// Table types of the content module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    content_items: {
      tenant_id: string;
      id: string;
      kind: ContentKind;
      title: string;
      summary: string | null;
      body: string;
      video_url: string | null;
      cover_url: string | null;
      tags: string[];
      skus: string[];
      audience_segment_id: string | null;
      publish_at: Date | null;
      unpublish_at: Date | null;
      status: 'draft' | 'published' | 'archived';
      published_at: Date | null;
      publish_announced_at: Date | null;
      unpublish_announced_at: Date | null;
      created_at: Date;
      updated_at: Date;
    };
    content_views: { tenant_id: string; member_id: string; content_id: string; day: string; viewed_at: Date };
    content_shares: { tenant_id: string; member_id: string; content_id: string; day: string; taps: number; channels: string[]; first_at: Date };
  }
}

export type ContentKind = 'article' | 'tutorial' | 'product_story' | 'video';
