#!/usr/bin/env bash
# Records examples/ccr-opensearch/live/ from the two real OpenSearch clusters, with xcluster's own
# commands: a fresh start, `xcluster apply` of the example, a little drift made by hand through
# the API (what the demo then shows), and `xcluster snapshot`. Run from the repository root after
# `npm run build`:
#
#   scripts/opensearch/record-example.sh
#
# The user passwords below are constants of this recording (the snapshot never holds a password:
# internal users come back with an empty `hash`, and xcluster redacts every secret it resolved).
set -euo pipefail
cd "$(dirname "$0")/../.."

CONFIG=examples/ccr-opensearch/xcluster
OUT=examples/ccr-opensearch/live
export REPLICATION_USER_PASSWORD='Xcluster-Repl-Passw0rd!'
export SEARCH_USER_PASSWORD='Xcluster-Search-Passw0rd!'

scripts/opensearch.sh stop >/dev/null
scripts/opensearch.sh start
eval "$(scripts/opensearch.sh env)"
trap 'scripts/opensearch.sh stop >/dev/null' EXIT

api() { # api <url> <method> <path> [json body]
  curl -sS --fail-with-body --cacert "$OS_CA_FILE" -u "$OS_ADMIN_USER:$(cat "$OS_ADMIN_PASSWORD_FILE")" \
    -H 'content-type: application/json' -X "$2" "$1$3" ${4:+-d "$4"}
  echo
}

node dist/cli.js apply --config "$CONFIG" --yes

# Drift made by hand: the leader's logs-search role gets a wider cluster permission, the
# follower's mapping of logs-search is deleted, and an operator adds a role of their own.
api "$OS_LEADER_URL" PUT /_plugins/_security/api/roles/logs-search '{
  "description": "Searched from the follower (cross-cluster search) [managed by xcluster]",
  "cluster_permissions": ["cluster_monitor", "cluster_composite_ops_ro"],
  "index_permissions": [{"index_patterns": ["logs-*"], "allowed_actions": ["logs-read"], "fls": ["~secret"]}]
}'
api "$OS_FOLLOWER_URL" DELETE /_plugins/_security/api/rolesmapping/logs-search
api "$OS_FOLLOWER_URL" PUT /_plugins/_security/api/roles/dashboards-readers '{
  "description": "made by an operator",
  "index_permissions": [{"index_patterns": [".kibana*"], "allowed_actions": ["read"]}]
}'

rm -rf "$OUT"
node dist/cli.js snapshot --config "$CONFIG" --out "$OUT"
echo "recorded $OUT from OpenSearch $OS_VERSION"
