import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts'],
    pool: 'forks',
    // Two cores: more workers only add contention on the database.
    maxWorkers: 2,
    // Tests that go through whole flows on PGlite take 10–20 s on an idle machine and two to three times that
    // when the machine is shared; a timeout is there to catch a hang, not to measure speed (benchmarks do).
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
