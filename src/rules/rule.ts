// What a lint rule is and what it sees. Apart from rules/index.ts, which lists every rule, so that
// a rule file never imports the list it is part of.

import { type Change, type ClusterState, type Config, type Finding, type Severity } from '../model/types.js';

/** What a rule sees. `live` and `changes` are absent when linting offline. */
export interface RuleContext {
  config: Config;
  live?: ClusterState[];
  changes?: Change[];
}

export interface Rule {
  id: string;
  severity: Severity;
  /** One line for the README: what the rule catches and how to fix it. */
  description: string;
  /** True when the rule needs live state (skipped by `xcluster lint`). */
  needsLive: boolean;
  check(ctx: RuleContext): Finding[];
}
