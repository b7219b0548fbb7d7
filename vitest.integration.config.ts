import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report gives .ci/run its pass/fail counts.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-integration.json' },
    include: ['test/integration/**/*.test.ts'],
    // The real Elasticsearch clusters: started once per run, stopped at the end.
    globalSetup: ['test/integration/global-setup.ts'],
    passWithNoTests: true,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
