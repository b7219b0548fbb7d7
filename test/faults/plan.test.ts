// Issue 12, acceptance 1: the fault suite, mode "plan" (see faults.ts for the faults and
// harness.ts for what each case checks).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAULTS, MODE_TITLES, modesOf, suiteLine } from './faults.js';
import { faultSuite } from './harness.js';

const suite = faultSuite('plan');
beforeAll(suite.setup, 30_000);
afterAll(suite.teardown);

// The suite's figure, once for all its files (they share the table).
afterAll(() => console.log(suiteLine()));

describe(`issue 12 acceptance 1: ${MODE_TITLES['plan']}`, () => {
  for (const fault of FAULTS.filter((f) => modesOf(f).includes('plan'))) {
    it(`issue 12 acceptance 1: ${fault.name} (plan)`, () => suite.run(fault), 30_000);
  }
});
