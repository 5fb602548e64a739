import { sql } from 'kysely';
import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { geofenceSettingsSchema, locationInputSchema, locationResultSchema, type GeofenceSettings } from '@hearth/contracts/stores';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { authenticated, type Api } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hasConsent } from '../members/contact.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import './geofences.tables.ts';

type Location = z.infer<typeof locationInputSchema>;
type LocationResult = z.infer<typeof locationResultSchema>;

const EARTH_RADIUS_M = 6_371_000;
const MAX_RADIUS_M = 5_000;
const METRES_PER_DEGREE = 111_320;
const defaults: GeofenceSettings = { enabled: true, default_radius_m: 300, cooldown_minutes: 1440 };

/**
 * Store geofences (LBS): a member's position, sent with their location consent, is matched against every active
 * store's circle (its own radius or the tenant's default). Entering one fires `geofence.entered` — a journey
 * trigger — at most once per member and store within the cooldown: one conditional upsert per position decides,
 * so two positions sent at once cannot both fire.
 */
export async function recordLocation(deps: AppDeps, ctx: RequestContext, memberId: string, at: Location): Promise<LocationResult> {
  await getMemberRow(deps.db, ctx, memberId);
  if (!(await hasConsent(deps.db, ctx.tenantId, memberId, 'location'))) {
    throw new AppError('LOCATION_CONSENT_REQUIRED', 'The member has not agreed to share their location', { errors: [{ field: 'member_id', code: 'no_location_consent', message: 'consent on the location channel is missing or withdrawn' }] });
  }
  const settings = await geofenceSettings(deps.db, ctx.tenantId);
  if (!settings.enabled) return { inside: [], entered: [] };
  const inside = await storesAround(deps.db, ctx.tenantId, at, settings.default_radius_m);
  if (!inside.length) return { inside, entered: [] };
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const fired = await sql<{ store_id: string }>`
      insert into geofence_entries (tenant_id, member_id, store_id, last_entered_at)
      select ${ctx.tenantId}, ${memberId}, s, ${now} from unnest(${inside.map((s) => s.store_id)}::uuid[]) s
      on conflict (tenant_id, member_id, store_id) do update set last_entered_at = excluded.last_entered_at, entries = geofence_entries.entries + 1
        where geofence_entries.last_entered_at <= excluded.last_entered_at - make_interval(mins => ${settings.cooldown_minutes})
      returning store_id`.execute(trx);
    const entered = new Set(fired.rows.map((r) => r.store_id));
    await emitEvents(
      trx,
      deps.jobs,
      ctx.actor,
      inside.filter((s) => entered.has(s.store_id)).map((s) => ({ tenantId: ctx.tenantId, type: 'geofence.entered', payload: { member_id: memberId, store_id: s.store_id, store_name: s.name, distance_m: s.distance_m } })),
      ctx.requestId,
    );
    return { inside, entered: inside.filter((s) => entered.has(s.store_id)).map((s) => s.store_id) };
  });
}

/**
 * The active stores whose circle holds the position, nearest first: an indexed latitude band as wide as the
 * largest radius, then the great-circle distance of each store in it. A fix less precise than a store's radius
 * enters no store.
 */
async function storesAround(db: Db, tenantId: string, at: Location, defaultRadius: number): Promise<LocationResult['inside']> {
  const latBand = MAX_RADIUS_M / METRES_PER_DEGREE;
  const lngBand = latBand / Math.max(Math.cos((at.latitude * Math.PI) / 180), 0.01);
  const accuracy = at.accuracy_m ?? 0;
  const { rows } = await sql<{ store_id: string; name: string; distance_m: number; radius_m: number }>`
    select store_id, name, round(distance_m)::int as distance_m, radius_m from (
      select s.id as store_id, s.name, coalesce(s.geofence_radius_m, ${defaultRadius}) as radius_m,
        2 * ${EARTH_RADIUS_M} * asin(sqrt(
          power(sin(radians(s.latitude - ${at.latitude}::float8) / 2), 2)
          + cos(radians(${at.latitude}::float8)) * cos(radians(s.latitude)) * power(sin(radians(s.longitude - ${at.longitude}::float8) / 2), 2))) as distance_m
      from stores s
      where s.tenant_id = ${tenantId} and s.deleted_at is null and s.status = 'active'
        and s.latitude is not null and s.longitude is not null
        and s.latitude between ${at.latitude - latBand}::float8 and ${at.latitude + latBand}::float8
        and s.longitude between ${at.longitude - lngBand}::float8 and ${at.longitude + lngBand}::float8
    ) near
    where distance_m <= radius_m and ${accuracy}::float8 <= radius_m
    order by distance_m, store_id`.execute(db);
  return rows;
}

export async function geofenceSettings(db: Db, tenantId: string): Promise<GeofenceSettings> {
  const row = await db.selectFrom('geofence_settings').select(['enabled', 'default_radius_m', 'cooldown_minutes']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ?? defaults;
}

export async function updateGeofenceSettings(deps: AppDeps, ctx: RequestContext, input: GeofenceSettings): Promise<GeofenceSettings> {
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('geofence_settings')
      .values({ tenant_id: ctx.tenantId, ...input })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'geofence.settings', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
    return input;
  });
}

const tags = ['stores'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema };

export function geofenceRoutes(api: Api, deps: AppDeps) {
  api.post(
    '/members/:id/location',
    {
      config: { permission: 'members:write' },
      schema: { tags: ['members'], summary: 'Where the member is now (from the app or mini program, with location consent): fires geofence.entered for the stores they came into', security: authenticated, params: idParamsSchema, body: locationInputSchema, response: { 200: locationResultSchema, ...errors } },
    },
    async (request) => recordLocation(deps, requestContext(request), request.params.id, request.body),
  );
  api.get('/geofences/settings', { config: { permission: 'stores:read' }, schema: { tags, summary: 'Geofence defaults: on or off, default radius, cooldown', security: authenticated, response: { 200: geofenceSettingsSchema } } }, async (request) =>
    geofenceSettings(deps.db, requestContext(request).tenantId),
  );
  api.put('/geofences/settings', { config: { permission: 'stores:write' }, schema: { tags, summary: 'Set the geofence defaults', security: authenticated, body: geofenceSettingsSchema, response: { 200: geofenceSettingsSchema, 400: problemSchema } } }, async (request) =>
    updateGeofenceSettings(deps, requestContext(request), request.body),
  );
}

/** Entries are where a member was: erasure drops them; a merge keeps the survivor's and takes the rest. */
export function registerGeofenceMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'geofence_entries',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      await sql`delete from geofence_entries f where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
        and exists (select 1 from geofence_entries t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.store_id = f.store_id)`.execute(trx);
      const moved = await sql`update geofence_entries set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(moved.numAffectedRows ?? 0);
    },
  });
  hooks.onErase({
    name: 'geofence_entries',
    erase: async (trx, ctx, memberId) => Number((await sql`delete from geofence_entries where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx)).numAffectedRows ?? 0),
  });
}
