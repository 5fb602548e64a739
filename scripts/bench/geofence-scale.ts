import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ReportSection } from './report.ts';

export interface GeofenceResult {
  stores: number;
  requests: number;
  connections: number;
  requestsPerSecond: number;
  inside: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Geofence lookup among many stores: `stores` active stores scattered over a Shanghai-sized box (0.5° × 0.6°, a few
 * stores per km², each with the 300 m default radius), the bench members given location consent, then positions
 * in the same box posted through the API by `connections` clients. Latency is the whole request as the app sees it
 * (lookup, the cooldown upsert, geofence.entered events when a fence is entered).
 */
export async function measureGeofence(options: { hearthUrl: string; apiKey: string; databaseUrl: string; tenantId: string; memberIds: string[]; stores: number; requests: number; connections?: number }): Promise<GeofenceResult> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into stores (tenant_id, id, code, name, latitude, longitude, status)
       select $1, gen_random_uuid(), 'GEO' || g, '围栏门店 ' || g, 31.0 + random() * 0.5, 121.2 + random() * 0.6, 'active' from generate_series(1, $2) g`,
      [options.tenantId, options.stores],
    );
    await client.query(
      `insert into member_consents (tenant_id, member_id, channel, granted, source, wording_version)
       select $1, m, 'location', true, 'bench', 'v1' from unnest($2::uuid[]) m
       on conflict (tenant_id, member_id, channel) do update set granted = true`,
      [options.tenantId, options.memberIds],
    );
    await client.query('analyze stores');
  } finally {
    await client.end();
  }

  const connections = options.connections ?? 8;
  const latencies: number[] = [];
  let inside = 0;
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < options.requests) {
        sent += 1;
        const memberId = options.memberIds[Math.floor(Math.random() * options.memberIds.length)]!;
        const body = JSON.stringify({ latitude: 31.0 + Math.random() * 0.5, longitude: 121.2 + Math.random() * 0.6, accuracy_m: 20 });
        const t0 = performance.now();
        const response = await fetch(`${options.hearthUrl}/api/v1/members/${memberId}/location`, { method: 'POST', headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' }, body });
        const answer = (await response.json()) as { inside?: unknown[] };
        latencies.push(performance.now() - t0);
        if (!response.ok) throw new Error(`location: ${response.status} ${JSON.stringify(answer)}`);
        if (answer.inside?.length) inside += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { stores: options.stores, requests: sorted.length, connections, requestsPerSecond: sorted.length / seconds, inside, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

export function geofenceSection(r: GeofenceResult): ReportSection {
  const met = r.p95Ms < 50;
  return {
    id: 'geofence',
    markdown: `## Geofence lookup

${r.stores.toLocaleString('en')} active stores scattered over a Shanghai-sized box (0.5° × 0.6°, 300 m default radius); the bench
members have location consent. \`POST /api/v1/members/:id/location\` with random positions in the box from
${r.connections} clients: lookup (an indexed latitude band, then the great-circle distance), the cooldown upsert and the
\`geofence.entered\` events, as the app sees it.

| stores | requests | inside a fence | requests/s | p50 | p95 | p99 | goal |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.stores} | ${r.requests} | ${r.inside} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} ms | **${r.p95Ms.toFixed(1)} ms** | ${r.p99Ms.toFixed(1)} ms | p95 < 50 ms ${met ? '(met)' : '(**not met**)'} |
`,
  };
}
