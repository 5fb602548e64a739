import type { Generated } from 'kysely';

// Table types of the member portal, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    member_sessions: {
      tenant_id: string;
      member_id: string;
      id: string;
      token_hash: string;
      kind: 'cookie' | 'bearer';
      method: 'sms' | 'wechat';
      wechat_openid: string | null;
      created_at: Generated<Date>;
      expires_at: Date;
    };
    member_sign_in_codes: {
      tenant_id: string;
      phone_hash: string;
      code_hash: string | null;
      code_expires_at: Date | null;
      code_attempts: Generated<number>;
      last_sent_at: Date | null;
      window_started_at: Date | null;
      sends_in_window: Generated<number>;
      failures: Generated<number>;
      locked_until: Date | null;
      updated_at: Generated<Date>;
    };
    member_portal_wechat: {
      tenant_id: string;
      appid: string;
      secret_sealed: string;
      updated_at: Generated<Date>;
    };
  }
}
