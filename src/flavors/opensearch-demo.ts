// The OpenSearch security plugin's demo configuration: the internal users and roles mappings
// that `install_demo_configuration.sh` installs, which the server does not mark reserved. They
// are the server's, not the user's, so a plan never lists them as unmanaged — but only while
// they are exactly as shipped: a demo object someone edited, or a name reused for something
// else, is theirs and listed like any other.
//
// Transcribed from the plugin's config/internal_users.yml and config/roles_mapping.yml (the same
// in every 2.x release; the installer only replaces the admin hash), as the REST API lists them:
// without `hash` (which the API never returns) and without `reserved: false`. The reserved demo
// objects (admin, kibanaserver, kibana_server) are built-ins already (opensearch-canonical.ts).

import { isDeepStrictEqual } from 'node:util';
import { nameMap } from '../model/names.js';
import { type Canonical, type Kind } from '../model/types.js';
import { normalize } from './opensearch-canonical.js';

const DEMO_INTERNAL_USERS: Record<string, object> = {
  anomalyadmin: {
    opendistro_security_roles: ['anomaly_full_access'],
    description: 'Demo anomaly admin user, using internal role',
  },
  kibanaro: {
    backend_roles: ['kibanauser', 'readall'],
    attributes: { attribute1: 'value1', attribute2: 'value2', attribute3: 'value3' },
    description: 'Demo OpenSearch Dashboards read only user, using external role mapping',
  },
  logstash: { backend_roles: ['logstash'], description: 'Demo logstash user, using external role mapping' },
  readall: { backend_roles: ['readall'], description: 'Demo readall user, using external role mapping' },
  snapshotrestore: {
    backend_roles: ['snapshotrestore'],
    description: 'Demo snapshotrestore user, using external role mapping',
  },
};

const DEMO_ROLES_MAPPINGS: Record<string, object> = {
  all_access: { backend_roles: ['admin'], description: 'Maps admin to all_access' },
  own_index: { users: ['*'], description: 'Allow full access to an index named like the username' },
  logstash: { backend_roles: ['logstash'] },
  kibana_user: { backend_roles: ['kibanauser'], description: 'Maps kibanauser to kibana_user' },
  readall: { backend_roles: ['readall'] },
  manage_snapshots: { backend_roles: ['snapshotrestore'] },
};

/** The demo objects in canonical form, by kind then name (prototype-free: names come from servers). */
const DEMO: Partial<Record<Kind, Record<string, Canonical>>> = {
  internal_user: canonical('internal_user', DEMO_INTERNAL_USERS),
  roles_mapping: canonical('roles_mapping', DEMO_ROLES_MAPPINGS),
};

function canonical(kind: Kind, bodies: Record<string, object>): Record<string, Canonical> {
  const out = nameMap<Canonical>();
  for (const [name, body] of Object.entries(bodies)) out[name] = normalize(kind, body);
  return out;
}

/** Whether the live object `kind` `name` (canonical `body`) is a demo object exactly as shipped. */
export function isDemoObject(kind: Kind, name: string, body: Canonical): boolean {
  const shipped = DEMO[kind]?.[name];
  return shipped !== undefined && isDeepStrictEqual(shipped, body);
}
