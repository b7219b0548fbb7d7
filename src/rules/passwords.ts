// Password checks that did not happen. A changed password is found by logging in as the user
// (job.ts); where that login was not made, or failed for another reason than a wrong password,
// the plan shows no password change whether or not the password still matches, and says so:
// unknown is never "no change".

import {
  type ClusterState,
  type Config,
  type Finding,
  type SourceRef,
  type UncheckedPassword,
} from '../model/types.js';
import { finding } from './estate.js';
import { type Rule } from './rule.js';

/** Where the desired user `name` of `cluster` with a password was written. */
const userSource = (config: Config, cluster: string, name: string): SourceRef | undefined =>
  config.desired.find((d) => d.cluster === cluster && d.name === name && d.password)?.source;

const NOT_PLANNED = 'so the plan shows no password change for it, whether or not the password still matches';

function uncheckedUser(state: ClusterState, { name, cause, detail }: UncheckedPassword): string {
  if (cause === 'colon') {
    return `the password of user ${name} on ${state.name} cannot be checked: Basic authentication cannot carry the ':' in its name, so a changed password is never planned; set it by hand, or rename the user`;
  }
  return `the password of user ${name} on ${state.name} could not be checked (${detail ?? 'no reason given'}), ${NOT_PLANNED}: run the plan again once the cluster answers, or check the user by hand`;
}

const passwordUnverifiable: Rule = {
  id: 'password-unverifiable',
  severity: 'warning',
  description:
    "A user's password could not be checked: a name with ':' (Basic authentication cannot carry it), a login attempt that failed (500, timeout, network), or an OpenSearch security config xcluster may not read (whether failed logins lock accounts is unknown, so no login is tried); no password change is planned for it.",
  needsLive: true,
  check({ config, live = [] }) {
    return live.flatMap((state): Finding[] => {
      const users = (state.uncheckedPasswords ?? []).map((u) =>
        finding(this, state.name, uncheckedUser(state, u), userSource(config, state.name, u.name)),
      );
      const skipped = state.skippedPasswordChecks;
      if (skipped?.cause !== 'unknown-listeners') return users;
      const names = skipped.users.join(', ');
      const message = `the passwords of ${names} on ${state.name} were not checked: whether a failed login counts against the user and the address there (auth_failure_listeners of the security config) could not be read (${skipped.detail}), and a check of a changed password is a failed login, ${NOT_PLANNED}: let xcluster's identity read GET /_plugins/_security/api/securityconfig, or set check_passwords: never`;
      return [...users, finding(this, state.name, message, userSource(config, state.name, skipped.users[0]!))];
    });
  },
};

const passwordCheckSkipped: Rule = {
  id: 'password-check-skipped',
  severity: 'info',
  description:
    'OpenSearch counts failed logins there (auth_failure_listeners), so xcluster does not log in as the users to check their passwords: a password changed in its secret is not planned; set it on the server by hand, or set check_passwords: never.',
  needsLive: true,
  check({ config, live = [] }) {
    return live.flatMap((state): Finding[] => {
      const skipped = state.skippedPasswordChecks;
      if (skipped?.cause !== 'listeners') return [];
      const names = skipped.users.join(', ');
      const message = `the passwords of ${names} on ${state.name} are not checked: its security config counts failed logins (auth_failure_listeners: ${skipped.detail}), and a check of a changed password would count against the user and the address, which the server then blocks; a password changed in its secret is not planned: set it on the server by hand, or set check_passwords: never to make this the rule`;
      return [finding(this, state.name, message, userSource(config, state.name, skipped.users[0]!))];
    });
  },
};

export const passwordRules: Rule[] = [passwordUnverifiable, passwordCheckSkipped];
