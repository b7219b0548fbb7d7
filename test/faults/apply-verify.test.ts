// Issue 12, acceptance 1: the fault suite, mode "apply-verify" (see faults.ts for the faults and
// harness.ts for what each case checks).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAULTS, MODE_TITLES, modesOf } from './faults.js';
import { faultSuite } from './harness.js';

const suite = faultSuite('apply-verify');
beforeAll(suite.setup, 30_000);
afterAll(suite.teardown);

describe(`issue 12 acceptance 1: ${MODE_TITLES['apply-verify']}`, () => {
  for (const fault of FAULTS.filter((f) => modesOf(f).includes('apply-verify'))) {
    it(`issue 12 acceptance 1: ${fault.name} (apply-verify)`, () => suite.run(fault), 30_000);
  }
});
