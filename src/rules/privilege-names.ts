// The privilege names each flavor knows, as data for the unknown-privilege rule.
//
// Elasticsearch: what real servers answer to `GET /_security/privilege/_builtin`, one answer per
// line in builtin-privileges/<version>.json, recorded from the servers scripts/elasticsearch.sh
// runs (a unit test holds them to the recorded fixtures,
// test/fixtures/elasticsearch/<version>/GET__security_privilege__builtin.json). A reachable
// cluster's own answer wins over these (rules/privileges.ts).
// Lists written from documentation were wrong both ways (issue 10 bug 7): `none` and
// `read_connector_secrets` were refused, `manage_reindex` and `read_view_metadata` passed.
//
// OpenSearch roles name actions and action groups (allowed_actions) instead; they are not checked here.

import { type PrivilegeNames } from '../model/types.js';
import es7 from './builtin-privileges/7.17.25.json' with { type: 'json' };
import es8 from './builtin-privileges/8.19.5.json' with { type: 'json' };
import es9 from './builtin-privileges/9.1.5.json' with { type: 'json' };

/** A line's list and the exact server version it was recorded from. */
export interface RecordedPrivileges extends PrivilegeNames {
  recordedFrom: string;
}

/** A `GET /_security/privilege/_builtin` answer (`remote_cluster` from 8.15). */
interface BuiltinAnswer {
  cluster: string[];
  index: string[];
  remote_cluster?: string[];
}

const recorded = (recordedFrom: string, answer: BuiltinAnswer): RecordedPrivileges => ({
  recordedFrom,
  cluster: answer.cluster,
  index: answer.index,
  remoteCluster: answer.remote_cluster ?? [],
});

/** By Elasticsearch line (major.minor). */
export const ELASTICSEARCH_PRIVILEGES: Readonly<Record<string, RecordedPrivileges>> = {
  '7.17': recorded('7.17.25', es7),
  '8.19': recorded('8.19.5', es8),
  '9.1': recorded('9.1.5', es9),
};

/** Action names and patterns (`cluster:monitor/main`, `indices:data/read/*`) are privileges too. */
export const isActionName = (name: string): boolean => name.includes(':') || name.includes('/');
