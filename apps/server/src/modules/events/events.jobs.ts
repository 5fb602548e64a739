import type { JobRegistry } from '../../jobs/registry.ts';
import { markNoShows, sendReminders } from './attendance.service.ts';
import { expireHolds } from './cancellation.service.ts';
import { retryRefunds } from './payments.service.ts';

/**
 * Holds and refunds call payment providers, so that job is not transactional (each hold is its own
 * transaction and idempotent); reminders and no-shows are set-based conditional updates, once per
 * registration and event however often they run.
 */
export function registerTicketedEventJobs(registry: JobRegistry) {
  registry.define({
    name: 'events.holds',
    transactional: false,
    handler: async ({ deps }) => {
      await expireHolds(deps);
      await retryRefunds(deps);
    },
  });
  registry.define({ name: 'events.reminders', handler: ({ deps }) => sendReminders(deps) });
  registry.define({ name: 'events.no_shows', handler: ({ deps }) => markNoShows(deps) });
  registry.schedule('events.holds', '* * * * *');
  registry.schedule('events.reminders', '*/10 * * * *');
  registry.schedule('events.no_shows', '15 * * * *', { runAtStart: true });
}
