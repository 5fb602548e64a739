import type { consentChannels } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';

export interface MemberContact {
  id: string;
  member_no: string;
  status: 'active' | 'frozen' | 'erased' | 'merged';
  name: string | null;
  nickname: string | null;
  phone: string | null;
  email: string | null;
  province: string | null;
  city: string | null;
  home_store_id: string | null;
  registered_at: Date;
  /** Consent per channel as last stated; a channel never stated is absent. */
  consents: Partial<Record<(typeof consentChannels)[number], boolean>>;
  identities: { type: string; app_id: string; value: string }[];
}

/**
 * What a message to a member needs: how to reach them and what they agreed to, in one read. For the
 * messaging module, which decides on every send whether consent allows it.
 */
export async function memberContact(db: Db, tenantId: string, memberId: string): Promise<MemberContact | undefined> {
  const member = await db
    .selectFrom('members')
    .select(['id', 'member_no', 'status', 'name', 'nickname', 'phone', 'email', 'province', 'city', 'home_store_id', 'registered_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (!member) return undefined;
  const [consents, identities] = await Promise.all([
    db.selectFrom('member_consents').select(['channel', 'granted']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).execute(),
    db.selectFrom('member_identities').select(['type', 'app_id', 'value']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).execute(),
  ]);
  return {
    ...(member as Omit<MemberContact, 'consents' | 'identities'>),
    consents: Object.fromEntries(consents.map((c) => [c.channel, c.granted])),
    identities,
  };
}

/** Whether the member, active, has given consent on one channel (location before a geofence, say). */
export async function hasConsent(db: Db, tenantId: string, memberId: string, channel: (typeof consentChannels)[number]): Promise<boolean> {
  const row = await db
    .selectFrom('member_consents as c')
    .innerJoin('members as m', (j) => j.onRef('m.tenant_id', '=', 'c.tenant_id').onRef('m.id', '=', 'c.member_id'))
    .select('c.granted')
    .where('c.tenant_id', '=', tenantId)
    .where('c.member_id', '=', memberId)
    .where('c.channel', '=', channel)
    .where('m.status', '=', 'active')
    .executeTakeFirst();
  return row?.granted === true;
}
