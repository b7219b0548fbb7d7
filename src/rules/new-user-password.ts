// A user without a password in the config can be managed only when it exists already: creating
// one needs a password (Elasticsearch's put-user API, OpenSearch's PUT internalusers: 400 "Please
// specify either 'hash' or 'password' when creating a new internal user.", and a PATCH would
// create a user no password logs in as, test/fixtures/opensearch/2.19.4/issue-12/16–17).
// Whether it exists is known only to the plan, which reports a create without a password as an
// error. `xcluster lint` says nothing: a user without a password is right for a user that exists
// (its password is kept), and lint cannot tell which it is.

import { type Desired, type Finding, type Kind } from '../model/types.js';
import { finding } from './estate.js';
import { type Rule } from './rule.js';

/** The config section of each user kind: what the message names. */
const SECTION: Partial<Record<Kind, string>> = { user: 'users', internal_user: 'internal_users' };

const passwordPath = (d: Desired): string => `${SECTION[d.kind]!}.${d.name}.password`;

const newUserPassword: Rule = {
  id: 'new-user-password',
  severity: 'error',
  description:
    'A user the plan creates has no password in the config (users.<name>.password, internal_users.<name>.password), and a user cannot be created without one: add password: { env: NAME } or { file: PATH }. Lint cannot know whether the user exists and says nothing.',
  needsLive: false,
  check({ config, changes }) {
    const passwordless = config.desired.filter((d) => SECTION[d.kind] !== undefined && d.password === undefined);
    if (!changes) return []; // lint: whether the user exists is not known
    return passwordless.flatMap((d): Finding[] => {
      const created = changes.some(
        (c) => c.action === 'create' && c.cluster === d.cluster && c.kind === d.kind && c.name === d.name,
      );
      if (!created) return [];
      const message = `${passwordPath(d)} is not set, and user ${d.name} does not exist on ${d.cluster}: creating a user needs a password; add password: { env: NAME } or { file: PATH }`;
      return [finding(this, d.cluster, message, d.source)];
    });
  },
};

export const newUserPasswordRules: Rule[] = [newUserPassword];
