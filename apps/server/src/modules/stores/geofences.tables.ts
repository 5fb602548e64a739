import type { Generated } from 'kysely';

declare module '../../db/schema.ts' {
  interface DB {
    geofence_settings: { tenant_id: string; enabled: boolean; default_radius_m: number; cooldown_minutes: number; updated_at: Generated<Date> };
    geofence_entries: { tenant_id: string; member_id: string; store_id: string; last_entered_at: Date; entries: Generated<number> };
  }
}
