// The privilege names each flavor knows, as data for the unknown-privilege rule.
//
// Elasticsearch: the "Elasticsearch privileges" reference page,
// https://www.elastic.co/docs/reference/elasticsearch/security-privileges (source:
// elastic/elasticsearch, docs/reference/elasticsearch/security-privileges.md — "Cluster
// privileges" and "Indices privileges"), with the names older supported versions still accept
// from the 7.17 page (manage_data_frame_transforms, monitor_data_frame_transforms) and `none`
// from elastic/elasticsearch-specification, specification/security/_types/Privileges.ts
// (IndexPrivilege). Serverless-only names (read_project_routing, manage_project_routing) are left
// out: a stack cluster refuses them. Remote cluster privileges: the put-role API's
// `remote_cluster` (monitor_enrich, monitor_stats).
//
// OpenSearch roles name actions and action groups (allowed_actions) instead; they are not checked here.

export interface PrivilegeNames {
  cluster: readonly string[];
  index: readonly string[];
  remoteCluster: readonly string[];
}

const ELASTICSEARCH: PrivilegeNames = {
  cluster: [
    'all',
    'cancel_task',
    'clone_api_key',
    'create_snapshot',
    'cross_cluster_replication',
    'cross_cluster_search',
    'delegate_pki',
    'grant_api_key',
    'manage',
    'manage_api_key',
    'manage_autoscaling',
    'manage_behavioral_analytics',
    'manage_ccr',
    'manage_connector',
    'manage_data_frame_transforms',
    'manage_data_stream_global_retention',
    'manage_enrich',
    'manage_ilm',
    'manage_index_templates',
    'manage_inference',
    'manage_ingest_pipelines',
    'manage_logstash_pipelines',
    'manage_ml',
    'manage_oidc',
    'manage_own_api_key',
    'manage_pipeline',
    'manage_reindex',
    'manage_rollup',
    'manage_saml',
    'manage_search_application',
    'manage_search_query_rules',
    'manage_search_synonyms',
    'manage_security',
    'manage_service_account',
    'manage_slm',
    'manage_token',
    'manage_transform',
    'manage_user_profile',
    'manage_watcher',
    'monitor',
    'monitor_connector',
    'monitor_data_frame_transforms',
    'monitor_data_stream_global_retention',
    'monitor_enrich',
    'monitor_esql',
    'monitor_inference',
    'monitor_ml',
    'monitor_reindex',
    'monitor_rollup',
    'monitor_snapshot',
    'monitor_stats',
    'monitor_text_structure',
    'monitor_transform',
    'monitor_watcher',
    'post_behavioral_analytics_event',
    'read_ccr',
    'read_fleet_secrets',
    'read_ilm',
    'read_pipeline',
    'read_security',
    'read_slm',
    'transport_client',
    'write_connector_secrets',
    'write_fleet_secrets',
  ],
  index: [
    'all',
    'auto_configure',
    'create',
    'create_doc',
    'create_index',
    'create_view',
    'cross_cluster_replication',
    'cross_cluster_replication_internal',
    'delete',
    'delete_index',
    'delete_view',
    'index',
    'maintenance',
    'manage',
    'manage_data_stream_lifecycle',
    'manage_failure_store',
    'manage_follow_index',
    'manage_ilm',
    'manage_leader_index',
    'manage_view',
    'monitor',
    'none',
    'read',
    'read_cross_cluster',
    'read_failure_store',
    'read_view_metadata',
    'view_index_metadata',
    'write',
  ],
  remoteCluster: ['monitor_enrich', 'monitor_stats'],
};

/** By flavor; a flavor without a list is not checked. */
export const PRIVILEGE_NAMES: Readonly<Record<string, PrivilegeNames>> = { elasticsearch: ELASTICSEARCH };

/** Action names and patterns (`cluster:monitor/main`, `indices:data/read/*`) are privileges too. */
export const isActionName = (name: string): boolean => name.includes(':') || name.includes('/');
