/** One benchmark target: a subject measured against a baseline doing the same work with less machinery. */
export interface Measurement {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface ScenarioContext {
  /** Base URL of the real Hearth server (production mode, PostgreSQL). */
  hearthUrl: string;
  /** Base URL of the bare Fastify server used for baselines. */
  bareUrl: string;
  apiKey: string;
  databaseUrl: string;
}

export interface Arm {
  label: string;
  run(context: ScenarioContext): Promise<Measurement> | Measurement;
}

export interface Scenario {
  name: string;
  /** What the throughput counts: requests, or events for batch endpoints. */
  unit: string;
  subject: Arm;
  /** `goal` is a minimum ratio unless `atMost` (then the ratio is a cost that must stay below it). */
  baselines: (Arm & { goal?: number; atMost?: boolean })[];
  notes: string;
}
