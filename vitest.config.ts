import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report gives .ci/run its pass/fail counts.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-unit.json' },
    include: ['test/unit/**/*.test.ts', 'test/faults/**/*.test.ts'],
    // nock patches node:http process-wide: keep each file in its own process.
    pool: 'forks',
  },
});
