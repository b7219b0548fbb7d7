// The lint rules. Each family lives in its own file and is listed once here; adding a rule never
// touches the diff or the renderers.

import { type Finding } from '../model/types.js';
import { actionGroupRules } from './action-groups.js';
import { apiKeyRules } from './apikeys.js';
import { ccrRules } from './ccr.js';
import { ccsRules } from './ccs.js';
import { fieldVersionRules } from './field-versions.js';
import { hiddenRules } from './hidden.js';
import { nameRules } from './names.js';
import { newUserPasswordRules } from './new-user-password.js';
import { openSearchRules } from './opensearch.js';
import { passwordRules } from './passwords.js';
import { privilegeRules } from './privileges.js';
import { referenceRules } from './references.js';
import { remoteRules } from './remotes.js';
import { reservedRules } from './reserved.js';
import { selfLockoutRules } from './self-lockout.js';
import { userRules } from './users.js';
import { type Rule, type RuleContext } from './rule.js';
import { versionRules } from './versions.js';

export { type Rule, type RuleContext } from './rule.js';

export const rules: Rule[] = [
  ...reservedRules,
  ...hiddenRules,
  ...privilegeRules,
  ...ccrRules,
  ...ccsRules,
  ...apiKeyRules,
  ...remoteRules,
  ...versionRules,
  ...fieldVersionRules,
  ...userRules,
  ...newUserPasswordRules,
  ...openSearchRules,
  ...actionGroupRules,
  ...referenceRules,
  ...nameRules,
  ...passwordRules,
  ...selfLockoutRules,
];

export function runRules(ctx: RuleContext): Finding[] {
  return rules.filter((r) => !r.needsLive || ctx.live).flatMap((r) => r.check(ctx));
}
