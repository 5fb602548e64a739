import type { JobRegistry } from '../../jobs/registry.ts';
import { registerBroadcastJobs } from './broadcasts.service.ts';
import { registerDeliverJob } from './deliver.job.ts';

export function registerMessagingJobs(registry: JobRegistry) {
  registerDeliverJob(registry);
  registerBroadcastJobs(registry);
}
