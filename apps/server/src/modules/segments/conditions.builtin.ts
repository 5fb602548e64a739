import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { ConditionOf, Window } from '@hearth/contracts/segments';
import { ANY, aggregateMatch, compare, daysAgo, onlyEvaluated, type CompileScope, type ConditionCompiler, type SegmentConditions } from './conditions.ts';

// The conditions Hearth ships with. They read other modules' tables (orders, points, tags …) because a
// segment is one query over all of them; they only read. Each compiles to semi/anti-joins or one grouped
// subquery, never to a lookup per member (see aggregateMatch).

const profile: ConditionCompiler<ConditionOf<'profile'>> = {
  type: 'profile',
  dependsOn: () => ['profile'],
  timeBased: () => false,
  compile(c) {
    const column = sql.ref(`m.${c.field}`);
    if (c.field === 'birthday_month' || c.field === 'birth_year') {
      if (c.op === 'is_set') return sql`${column} is not null`;
      if (c.op === 'is_not_set') return sql`${column} is null`;
      return compare(column, { op: c.op as 'eq', value: c.value as number, to: c.to });
    }
    return textMatch(sql`${column}::text`, c.op, c.value);
  },
};

const customField: ConditionCompiler<ConditionOf<'custom_field'>> = {
  type: 'custom_field',
  dependsOn: () => ['profile'],
  timeBased: () => false,
  compile(c) {
    const contains = (value: unknown) => sql<SqlBool>`m.custom_fields @> ${JSON.stringify({ [c.key]: value })}::jsonb`;
    switch (c.op) {
      case 'eq':
        return contains(c.value);
      case 'neq':
        return sql`not ${contains(c.value)}`;
      case 'in':
        return sql`(${sql.join((c.value as string[]).map(contains), sql` or `)})`;
      case 'not_in':
        return sql`not (${sql.join((c.value as string[]).map(contains), sql` or `)})`;
      case 'is_true':
        return contains(true);
      case 'is_false':
        return contains(false);
      case 'is_set':
        return sql`coalesce(jsonb_typeof(m.custom_fields -> ${c.key}) <> 'null', false)`;
      case 'is_not_set':
        return sql`coalesce(jsonb_typeof(m.custom_fields -> ${c.key}) = 'null', true)`;
      case 'starts_with':
        return textMatch(sql`(m.custom_fields ->> ${c.key})`, 'starts_with', c.value);
      default:
        return compare(sql`(case when jsonb_typeof(m.custom_fields -> ${c.key}) = 'number' then (m.custom_fields ->> ${c.key})::numeric end)`, { op: c.op, value: c.value as number, to: c.to });
    }
  },
};

const registered: ConditionCompiler<ConditionOf<'registered'>> = {
  type: 'registered',
  dependsOn: () => [],
  timeBased: () => true,
  compile: (c, scope) => daysAgo(sql`m.registered_at`, c.days_ago, scope),
};

const tags: ConditionCompiler<ConditionOf<'tags'>> = {
  type: 'tags',
  dependsOn: () => ['tags'],
  timeBased: () => false,
  compile(c) {
    const having = (ids: string[]) => sql`select 1 from member_tags t where t.tenant_id = m.tenant_id and t.member_id = m.id and t.tag_id = any(${ids}::uuid[])`;
    if (c.op === 'any') return sql`exists (${having(c.tag_ids)})`;
    if (c.op === 'none') return sql`not exists (${having(c.tag_ids)})`;
    return sql`(${sql.join(
      [...new Set(c.tag_ids)].map((id) => sql`exists (${having([id])})`),
      sql` and `,
    )})`;
  },
};

// Identities are attached by resolve without a domain event of their own: the sweep catches them.
const identity: ConditionCompiler<ConditionOf<'identity'>> = {
  type: 'identity',
  dependsOn: () => ['profile'],
  timeBased: () => true,
  compile(c) {
    const found = sql<SqlBool>`exists (select 1 from member_identities i where i.tenant_id = m.tenant_id and i.member_id = m.id and i.type = ${c.identity_type} ${c.app_id ? sql`and i.app_id = ${c.app_id}` : sql``})`;
    return c.has ? found : sql`not ${found}`;
  },
};

const consent: ConditionCompiler<ConditionOf<'consent'>> = {
  type: 'consent',
  dependsOn: () => ['consent'],
  timeBased: () => false,
  compile(c) {
    const granted = sql<SqlBool>`exists (select 1 from member_consents k where k.tenant_id = m.tenant_id and k.member_id = m.id and k.channel = ${c.channel} and k.granted)`;
    return c.granted ? granted : sql`not ${granted}`;
  },
};

const pointsBalance: ConditionCompiler<ConditionOf<'points_balance'>> = {
  type: 'points_balance',
  dependsOn: () => ['points'],
  timeBased: () => false,
  compile: (c, scope) =>
    aggregateMatch(
      (having) => sql`select a.member_id from points_accounts a where a.tenant_id = ${scope.tenantId} ${onlyEvaluated(sql`a.member_id`, scope)} group by a.member_id having ${having}`,
      sql`sum(a.balance)`,
      c.compare,
    ),
};

const pointsExpiring: ConditionCompiler<ConditionOf<'points_expiring'>> = {
  type: 'points_expiring',
  dependsOn: () => ['points'],
  timeBased: () => true,
  compile: (c, scope) =>
    aggregateMatch(
      (having) => sql`select l.member_id from points_lots l
        where l.tenant_id = ${scope.tenantId} and l.remaining > 0 and l.expires_at > ${scope.now} and l.expires_at <= ${scope.dayStart(-c.within_days)} ${onlyEvaluated(sql`l.member_id`, scope)}
        group by l.member_id having ${having}`,
      sql`sum(l.remaining)`,
      c.compare,
    ),
};

const orders: ConditionCompiler<ConditionOf<'orders'>> = {
  type: 'orders',
  dependsOn: () => ['order'],
  timeBased: (c) => c.window?.last_days !== undefined,
  compile: (c, scope) =>
    aggregateMatch(
      (having) => sql`select o.member_id from orders o
        where o.tenant_id = ${scope.tenantId} and o.member_id is not null ${onlyEvaluated(sql`o.member_id`, scope)} ${inWindow(sql`o.occurred_at`, c.window, scope)}
          ${c.store_ids ? sql`and o.store_id = any(${c.store_ids}::uuid[])` : sql``} ${c.channels ? sql`and o.channel = any(${c.channels}::text[])` : sql``}
        group by o.member_id having ${having}`,
      c.metric === 'count' ? sql`count(*) filter (where o.status <> 'refunded')` : sql`sum(o.total_paid_fen - o.refunded_fen)`,
      c.compare,
    ),
};

const purchased: ConditionCompiler<ConditionOf<'purchased'>> = {
  type: 'purchased',
  dependsOn: () => ['order'],
  timeBased: (c) => c.window?.last_days !== undefined,
  compile(c, scope) {
    const what = [
      ...(c.skus ? [sql`l.sku = any(${c.skus}::text[])`] : []),
      ...(c.categories ? [sql`exists (select 1 from products p where p.tenant_id = l.tenant_id and p.sku = l.sku and p.category_path && ${c.categories}::text[])`] : []),
    ];
    const bought = sql<SqlBool>`exists (select 1 from orders o join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
      where o.tenant_id = m.tenant_id and o.member_id = m.id and l.refunded_qty < l.qty ${inWindow(sql`o.occurred_at`, c.window, scope)} and (${sql.join(what, sql` or `)}))`;
    return c.bought ? bought : sql`not ${bought}`;
  },
};

const lastOrder: ConditionCompiler<ConditionOf<'last_order'>> = {
  type: 'last_order',
  dependsOn: () => ['order'],
  timeBased: () => true,
  compile(c, scope) {
    const buyers = sql`select o.member_id from orders o where o.tenant_id = ${scope.tenantId} and o.member_id is not null and o.status <> 'refunded' ${onlyEvaluated(sql`o.member_id`, scope)} group by o.member_id`;
    const inRange = sql<SqlBool>`m.id in (${buyers} having ${daysAgo(sql`max(o.occurred_at)`, c.days_ago, scope)})`;
    return c.include_never ? sql`(${inRange} or m.id not in (${buyers}))` : inRange;
  },
};

const event: ConditionCompiler<ConditionOf<'event'>> = {
  type: 'event',
  dependsOn: (c) => [`event:${c.event_type}`],
  timeBased: (c) => c.window?.last_days !== undefined,
  compile(c, scope) {
    const filters = (c.properties ?? []).map((p) => {
      const contains = (value: unknown) => sql`e.properties @> ${JSON.stringify({ [p.key]: value })}::jsonb`;
      if (p.op === 'eq') return sql`and ${contains(p.value)}`;
      if (p.op === 'neq') return sql`and not ${contains(p.value)}`;
      if (p.op === 'in') return sql`and (${sql.join((p.value as unknown[]).map(contains), sql` or `)})`;
      const numeric = sql`(case when jsonb_typeof(e.properties -> ${p.key}) = 'number' then (e.properties ->> ${p.key})::numeric end)`;
      return sql`and ${numeric} ${sql.raw({ gt: '>', gte: '>=', lt: '<', lte: '<=' }[p.op])} ${Number(p.value)}`;
    });
    return aggregateMatch(
      (having) => sql`select e.member_id from member_events e
        where e.tenant_id = ${scope.tenantId} and e.type = ${c.event_type} and e.member_id is not null ${onlyEvaluated(sql`e.member_id`, scope)} ${inWindow(sql`e.occurred_at`, c.window, scope)} ${sql.join(filters, sql` `)}
        group by e.member_id having ${having}`,
      sql`count(*)`,
      c.compare,
    );
  },
};

// Haversine on a 6,371 km sphere: within a city the error is far below a store's catchment radius.
const nearStore: ConditionCompiler<ConditionOf<'near_store'>> = {
  type: 'near_store',
  dependsOn: () => ['profile'],
  // A store's coordinates can be corrected without any member changing: the sweep catches that.
  timeBased: () => true,
  compile: (c) => sql`exists (select 1 from stores h join stores s on s.tenant_id = h.tenant_id and s.id = ${c.store_id}
    where h.tenant_id = m.tenant_id and h.id = m.home_store_id and h.latitude is not null and s.latitude is not null
      and 2 * 6371 * asin(sqrt(power(sin(radians(s.latitude - h.latitude) / 2), 2) + cos(radians(h.latitude)) * cos(radians(s.latitude)) * power(sin(radians(s.longitude - h.longitude) / 2), 2))) <= ${c.within_km})`,
};

const rfm: ConditionCompiler<ConditionOf<'rfm'>> = {
  type: 'rfm',
  dependsOn: () => ['rfm'],
  timeBased: () => false,
  compile(c) {
    const range = (column: string, r?: [number, number]) => (r ? [sql`x.${sql.ref(column)} between ${r[0]} and ${r[1]}`] : []);
    const parts = [...(c.groups ? [sql`x.value_group = any(${c.groups}::text[])`] : []), ...range('r', c.r), ...range('f', c.f), ...range('m', c.m)];
    return sql`exists (select 1 from member_rfm x where x.tenant_id = m.tenant_id and x.member_id = m.id and ${sql.join(parts, sql` and `)})`;
  },
};

const lifecycle: ConditionCompiler<ConditionOf<'lifecycle'>> = {
  type: 'lifecycle',
  dependsOn: () => ['lifecycle'],
  timeBased: () => false,
  compile: (c) => sql`exists (select 1 from member_lifecycle x where x.tenant_id = m.tenant_id and x.member_id = m.id and x.stage = any(${c.stages}::text[]))`,
};

export function registerBuiltinConditions(conditions: SegmentConditions) {
  for (const compiler of [profile, customField, registered, tags, identity, consent, pointsBalance, pointsExpiring, orders, purchased, lastOrder, event, nearStore, rfm, lifecycle]) {
    conditions.addCondition(compiler as ConditionCompiler<never>);
  }
  const one = (keys: string[]) => (payload: Record<string, unknown>) => (typeof payload.member_id === 'string' ? [{ memberId: payload.member_id, keys }] : []);
  const many = (keys: string[]) => (payload: Record<string, unknown>) => ((payload.member_ids as string[] | undefined) ?? []).map((memberId) => ({ memberId, keys }));
  for (const eventType of ['order.created', 'order.refunded', 'order.attached']) conditions.addTrigger({ eventType, affected: one(['order']) });
  conditions.addTrigger({ eventType: 'points.balance_changed', affected: one(['points']) });
  conditions.addTrigger({ eventType: 'member.updated', affected: one(['profile']) });
  conditions.addTrigger({ eventType: 'consent.changed', affected: one(['consent']) });
  conditions.addTrigger({ eventType: 'member.tagged', affected: many(['tags']) });
  conditions.addTrigger({ eventType: 'member.registered', affected: one([ANY]) });
  conditions.addTrigger({ eventType: 'members.imported', affected: many([ANY]) });
  conditions.addTrigger({ eventType: 'member.erased', affected: one([ANY]) });
  conditions.addTrigger({
    eventType: 'member.merged',
    affected: (p) => [p.from_member_id, p.to_member_id].filter((id): id is string => typeof id === 'string').map((memberId) => ({ memberId, keys: [ANY] })),
  });
  conditions.addTrigger({
    eventType: 'event.tracked',
    affected: (p) => ((p.events as { member_id: string | null; type: string }[] | undefined) ?? []).flatMap((e) => (e.member_id ? [{ memberId: e.member_id, keys: [`event:${e.type}`] }] : [])),
  });
}

function textMatch(column: RawBuilder<unknown>, op: string, value: unknown): RawBuilder<SqlBool> {
  switch (op) {
    case 'eq':
      return sql`coalesce(${column} = ${value}, false)`;
    case 'neq':
      return sql`${column} is distinct from ${value}`;
    case 'in':
      return sql`coalesce(${column} = any(${value}::text[]), false)`;
    case 'not_in':
      return sql`not coalesce(${column} = any(${value}::text[]), false)`;
    case 'is_set':
      return sql`${column} is not null`;
    case 'is_not_set':
      return sql`${column} is null`;
    default:
      return sql`coalesce(${column} like ${`${String(value).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}, false)`;
  }
}

function inWindow(column: RawBuilder<unknown>, window: Window | undefined, scope: CompileScope): RawBuilder<unknown> {
  if (!window) return sql``;
  if (window.last_days !== undefined) return sql`and ${column} >= ${scope.dayStart(window.last_days - 1)}`;
  return sql`${window.from ? sql`and ${column} >= ${window.from}::timestamptz` : sql``} ${window.to ? sql`and ${column} < ${window.to}::timestamptz` : sql``}`;
}
