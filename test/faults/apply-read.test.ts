// Issue 12, acceptance 1: the fault suite, mode "apply-read" (see faults.ts for the faults and
// harness.ts for what each case checks).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAULTS, MODE_TITLES, modesOf } from './faults.js';
import { faultSuite } from './harness.js';

const suite = faultSuite('apply-read');
beforeAll(suite.setup, 30_000);
afterAll(suite.teardown);

describe(`issue 12 acceptance 1: ${MODE_TITLES['apply-read']}`, () => {
  for (const fault of FAULTS.filter((f) => modesOf(f).includes('apply-read'))) {
    it(`issue 12 acceptance 1: ${fault.name} (apply-read)`, () => suite.run(fault), 30_000);
  }
});
