// Issue 11, finding 2, in the config: a role named `__proto__` vanished from the config without a
// word, and `constructor` or `prototype` named objects that every JavaScript object already has.
// The three are never names: each is an error at its file:line, wherever a name is written (a
// section's key, a cluster file's name, an intent), and `__proto__` is refused as any key.

import { describe, expect, it } from 'vitest';
import { clusterFile, loadErrors } from './helpers/config-dir.js';

describe('issue 11 finding 2: the config refuses __proto__, constructor and prototype as names', () => {
  const role = (name: string) => `roles:\n  ${name}:\n    cluster: [monitor]\n`;

  it('issue 11 finding 2: a role named constructor is an error at its line', () => {
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', role('constructor')) })).toEqual([
      expect.stringMatching(/clusters\/west\.yml:8:3: roles\.constructor: "constructor" is never a valid name/),
    ]);
  });

  it('issue 11 finding 2: a role named __proto__ is an error at its line, not a role that vanishes', () => {
    expect(loadErrors({ 'clusters/west.yml': clusterFile('west', role('__proto__')) })).toEqual([
      expect.stringMatching(/clusters\/west\.yml:8:3: .*"__proto__" is never a valid (key|name)/),
    ]);
  });

  it('issue 11 finding 2: prototype as a user, a role mapping or a remote alias, and __proto__ deeper down, are errors at their lines', () => {
    const body = [
      'users:\n  prototype:\n    roles: []\n',
      'role_mappings:\n  constructor:\n    roles: [a]\n    rules: { field: { username: x } }\n',
      'remote_clusters:\n  prototype:\n    seeds: [a.example.com:9300]\n',
      'roles:\n  r:\n    metadata:\n      __proto__: { managed_by: xcluster }\n',
    ].join('');
    const errors = loadErrors({ 'clusters/west.yml': clusterFile('west', body) });
    expect(errors).toEqual([
      expect.stringMatching(/west\.yml:8:3: users\.prototype: "prototype" is never a valid name/),
      expect.stringMatching(/west\.yml:11:3: role_mappings\.constructor: "constructor" is never a valid name/),
      expect.stringMatching(/west\.yml:15:3: remote_clusters\.prototype: "prototype" is never a valid name/),
      expect.stringMatching(/west\.yml:20:7: roles\.r\.metadata\.__proto__: "__proto__" is never a valid key/),
    ]);
    expect(({} as Record<string, unknown>).managed_by).toBeUndefined();
  });

  it('issue 11 finding 2: a cluster file named constructor.yml is an error naming the file', () => {
    expect(loadErrors({ 'clusters/constructor.yml': clusterFile('constructor') })).toEqual([
      expect.stringMatching(
        /clusters\/constructor\.yml:1:1: cluster "constructor" \(the file's name\): "constructor" is never a valid name/,
      ),
    ]);
  });

  it('issue 11 finding 2: an intent whose role is constructor is an error at the role', () => {
    const intent = `replication:
  - name: orders
    security: certificate
    leader: { cluster: east, indices: [leader-index] }
    follower: { cluster: west, indices: [follower-index] }
    role: constructor
    user: { name: cross-cluster-user }
`;
    const files = {
      'clusters/east.yml': clusterFile('east'),
      'clusters/west.yml': clusterFile('west'),
      'intents.yml': intent,
    };
    expect(loadErrors(files)).toEqual([
      expect.stringMatching(/intents\.yml:6:5: replication intent "orders": role: "constructor" is never a valid name/),
    ]);
  });
});
