#!/usr/bin/env bash
# Two real single-node OpenSearch clusters with the security plugin, on loopback, for the
# integration tests: `leader` (https://127.0.0.1:19200, transport 19300) and `follower`
# (https://127.0.0.1:19201, transport 19301). Built from two Maven artifacts only:
#   org.opensearch.distribution.integ-test-zip:opensearch:<version>:zip   (no bundled JDK)
#   org.opensearch.plugin:opensearch-security:<version>.0:zip
# fetched with `mvn dependency:copy` (cached in ~/.m2: later runs need no network).
#
# Usage: scripts/opensearch.sh start|stop|status|env|securityconfig
#   start   prepare (first time), then start both clusters from a fresh demo security config
#           and wait until each answers cluster health >= yellow over verified TLS
#   stop    stop both (SIGTERM, bounded wait, then SIGKILL)
#   status  print which cluster runs (exit 0 when both run, 3 otherwise)
#   env     print `export` lines: OS_LEADER_URL, OS_FOLLOWER_URL, OS_CA_FILE, OS_ADMIN_USER,
#           OS_ADMIN_PASSWORD_FILE (a path: the password itself is never printed), and more
#   securityconfig leader|follower FILE
#           upload FILE as the security plugin's `config` document (config.yml: authc, authz,
#           auth_failure_listeners…) with the plugin's securityadmin.sh and the demo admin
#           certificate. The REST API refuses a PUT of it (403 "Access denied", even with the
#           admin certificate) unless plugins.security.unsupported.restapi.
#           allow_securityconfig_modification is set, which these clusters leave off.
#
# Environment:
#   OPENSEARCH_VERSION                 default 2.19.4 (the newest 2.19.x whose security plugin
#                                      is served; see docs/opensearch-integration.md)
#   OPENSEARCH_SECURITY_VERSION        default ${OPENSEARCH_VERSION}.0
#   OPENSEARCH_INITIAL_ADMIN_PASSWORD  the admin password (8+ chars, upper, lower, digit,
#                                      symbol); default: a random one per start
#   XCLUSTER_OS_DIR                    work dir, default $PWD/.tmp/opensearch
#   XCLUSTER_OS_USER                   when run as root, the system user the nodes run as
#                                      (OpenSearch refuses root); created if missing.
#                                      Default xcluster-os
#   XCLUSTER_OS_CCR=1                  also install org.opensearch.plugin:
#                                      opensearch-cross-cluster-replication:<security version>
#                                      (not served for 2.19.x when this was written)
#   XCLUSTER_OS_TIMEOUT                seconds to wait for each cluster, default 180
set -euo pipefail

VERSION=${OPENSEARCH_VERSION:-2.19.4}
SEC_VERSION=${OPENSEARCH_SECURITY_VERSION:-$VERSION.0}
DIR=$(realpath -m "${XCLUSTER_OS_DIR:-$PWD/.tmp/opensearch}")
RUN_USER=${XCLUSTER_OS_USER:-xcluster-os}
TIMEOUT=${XCLUSTER_OS_TIMEOUT:-180}
CCR=${XCLUSTER_OS_CCR:-0}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
ADMIN_USER='admin'
HOST=127.0.0.1

CLUSTERS=(leader follower)
declare -A HTTP_PORT=([leader]=19200 [follower]=19201)
declare -A TRANSPORT_PORT=([leader]=19300 [follower]=19301)

PASSWORD_FILE=$DIR/admin-password
CERT_DIR=$DIR/certs
CA_FILE=$CERT_DIR/root-ca.pem

LOG_TAG=opensearch
SERVER_NAME=OpenSearch
NODE_MAIN_CLASS=org.opensearch.bootstrap.OpenSearch
NODE_HOME_FLAG=-Dopensearch.path.home
# shellcheck source=scripts/lib/nodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/nodes.sh"

pid_file() { printf '%s/%s/opensearch.pid' "$DIR" "$1"; }
node_log() { printf '%s/%s/logs/xcluster-%s.log' "$DIR" "$1" "$1"; }

java_home() {
  if [[ -n ${OPENSEARCH_JAVA_HOME:-} ]]; then
    printf '%s' "$OPENSEARCH_JAVA_HOME"
    return
  fi
  local java
  java=$(command -v java) || die "no java on PATH (OpenSearch $VERSION needs Java 11+; the integ-test zip has no bundled JDK)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

# Unpacked distribution + security plugin (+ CCR plugin if asked), made once per version.
prepare_base() {
  local base=$1 dist=$DIR/dist
  if [[ -f $base/.xcluster-ready ]]; then
    return 0
  fi
  local zip=$dist/opensearch-$VERSION.zip
  local sec=$dist/opensearch-security-$SEC_VERSION.zip
  [[ -f $zip ]] || fetch "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "$dist"
  [[ -f $sec ]] || fetch "org.opensearch.plugin:opensearch-security:$SEC_VERSION:zip" "$dist"
  if [[ $CCR == 1 ]]; then
    local ccr=$dist/opensearch-cross-cluster-replication-$SEC_VERSION.zip
    [[ -f $ccr ]] || fetch "org.opensearch.plugin:opensearch-cross-cluster-replication:$SEC_VERSION:zip" "$dist"
  fi
  log "unpacking OpenSearch $VERSION and installing the security plugin $SEC_VERSION"
  rm -rf "$base.tmp" "$base"
  mkdir -p "$base.tmp"
  unzip -q "$zip" -d "$base.tmp"
  local home=$base.tmp/opensearch-$VERSION
  [[ -x $home/bin/opensearch ]] || die "unexpected layout in $zip (no opensearch-$VERSION/bin/opensearch)"
  OPENSEARCH_JAVA_HOME=$JAVA_HOME_OS "$home/bin/opensearch-plugin" install --batch "file://$sec" \
    >"$DIR/plugin-install.log" 2>&1 || {
    tail -20 "$DIR/plugin-install.log" >&2
    die "installing the security plugin failed (log: $DIR/plugin-install.log)"
  }
  if [[ $CCR == 1 ]]; then
    log "installing the cross-cluster-replication plugin $SEC_VERSION"
    OPENSEARCH_JAVA_HOME=$JAVA_HOME_OS "$home/bin/opensearch-plugin" install --batch \
      "file://$dist/opensearch-cross-cluster-replication-$SEC_VERSION.zip" >>"$DIR/plugin-install.log" 2>&1 || {
      tail -20 "$DIR/plugin-install.log" >&2
      die "installing the cross-cluster-replication plugin failed"
    }
  fi
  mv "$home" "$base"
  rm -rf "$base.tmp"
  touch "$base/.xcluster-ready"
}

admin_password() {
  if [[ -n ${OPENSEARCH_INITIAL_ADMIN_PASSWORD:-} ]]; then
    local p=$OPENSEARCH_INITIAL_ADMIN_PASSWORD
    if ((${#p} < 8)) || ! [[ $p =~ [A-Z] && $p =~ [a-z] && $p =~ [0-9] && $p =~ [^A-Za-z0-9] ]]; then
      die "OPENSEARCH_INITIAL_ADMIN_PASSWORD must have 8+ characters with upper, lower, digit and symbol"
    fi
    printf '%s' "$p"
  else
    # 24 random alphanumerics between fixed classes: always upper, lower, digit and symbol.
    printf 'Xc9-%s_q' "$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  fi
}

cluster_settings() { # name
  local n=$1
  cat <<EOF

######## xcluster integration cluster: $n ########
cluster.name: xcluster-$n
node.name: $n-0
path.data: "$DIR/$n/data"
path.logs: "$DIR/$n/logs"
network.host: $HOST
http.port: ${HTTP_PORT[$n]}
transport.port: ${TRANSPORT_PORT[$n]}
discovery.type: single-node
# Tests must not fail on a nearly full disk.
cluster.routing.allocation.disk.threshold_enabled: false
# Enables the (super-admin only) /_plugins/_security/api/nodesdn API that cross-cluster
# replication uses to accept another cluster's node DNs.
plugins.security.nodes_dn_dynamic_config_enabled: true
EOF
}

launch() { # name
  local n=$1 home=$DIR/$1/home
  local -a envs=(
    "PATH=/usr/local/bin:/usr/bin:/bin"
    "HOME=$DIR/$n"
    "OPENSEARCH_JAVA_HOME=$JAVA_HOME_OS"
    "OPENSEARCH_JAVA_OPTS=-Xms512m -Xmx512m"
    "OPENSEARCH_PATH_CONF=$home/config"
    "OPENSEARCH_TMPDIR=$DIR/$n/tmp"
  )
  local -a cmd=("$home/bin/opensearch" -d -p "$(pid_file "$n")")
  # fd 9 holds the start/stop lock: the node must not inherit it.
  if [[ $(id -u) == 0 ]]; then
    (cd "$home" && setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --clear-groups \
      env -i "${envs[@]}" "${cmd[@]}" </dev/null >"$DIR/$n/stdout.log" 2>&1 9>&-)
  else
    (cd "$home" && env -i "${envs[@]}" "${cmd[@]}" </dev/null >"$DIR/$n/stdout.log" 2>&1 9>&-)
  fi
}

show_failure() { # name
  local n=$1
  log "---- $n: last lines of $(node_log "$n") ----"
  tail -n 40 "$(node_log "$n")" 2>/dev/null >&2 || log "(no node log)"
  if [[ -s $DIR/$n/stdout.log ]]; then
    log "---- $n: last lines of $DIR/$n/stdout.log ----"
    tail -n 20 "$DIR/$n/stdout.log" >&2
  fi
}

wait_ready() { # name deadline
  local n=$1 deadline=$2 url="https://$HOST:${HTTP_PORT[$1]}" out status
  while :; do
    if [[ -z $(running_pid "$n") ]] && { [[ -s $(pid_file "$n") ]] || ((SECONDS > launch_time + 5)); }; then
      show_failure "$n"
      stop_all
      die "cluster $n exited during startup"
    fi
    if out=$(admin_curl --max-time 10 "$url/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null) &&
      status=$(grep -o '"status":"[a-z]*"' <<<"$out" | cut -d'"' -f4) &&
      [[ $status == green || $status == yellow ]] && ! grep -q '"timed_out":true' <<<"$out"; then
      log "$n is up: $url (health $status, ${SECONDS}s)"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      show_failure "$n"
      log "last answer from $url: ${out:-none}"
      stop_all
      die "cluster $n did not reach health yellow within ${TIMEOUT}s"
    fi
    sleep 2
  done
}

cmd_start() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 600 9 || die "another start/stop holds $DIR/.lock"
  local n up=0
  for n in "${CLUSTERS[@]}"; do [[ -n $(running_pid "$n") ]] && up=$((up + 1)); done
  if ((up == ${#CLUSTERS[@]})); then
    log "already running: leader https://$HOST:${HTTP_PORT[leader]}, follower https://$HOST:${HTTP_PORT[follower]}"
    return 0
  fi
  if ((up > 0)); then
    log "only some clusters run: stopping them first"
    stop_all
  fi
  for n in "${CLUSTERS[@]}"; do
    local p
    for p in "${HTTP_PORT[$n]}" "${TRANSPORT_PORT[$n]}"; do
      port_in_use "$p" && die "port $p (for $n) is already in use by another process"
    done
  done

  SECONDS=0
  JAVA_HOME_OS=$(java_home)
  [[ -x $JAVA_HOME_OS/bin/java ]] || die "no java at $JAVA_HOME_OS/bin/java"
  log "OpenSearch $VERSION, security plugin $SEC_VERSION, java $JAVA_HOME_OS, work dir $DIR"
  local base=$DIR/base-$VERSION
  [[ $CCR == 1 ]] && base=$base-ccr
  prepare_base "$base"

  # The admin password: mode 600, never printed.
  local pw
  pw=$(admin_password)
  (umask 077 && printf '%s' "$pw" >"$PASSWORD_FILE")
  chmod 600 "$PASSWORD_FILE"

  # One demo configuration, copied to both: same demo CA, node cert (CN=node-0.example.com,
  # with the node OID 1.2.3.4.5.5 that marks it as a node) and admin (kirk) cert, so the
  # follower's node is accepted by the leader's transport layer and vice versa.
  log "fresh demo security configuration for both clusters"
  rm -rf "$DIR/leader" "$DIR/follower"
  mkdir -p "$DIR/leader"
  cp -a "$base" "$DIR/leader/home"
  rm -f "$DIR/leader/home/.xcluster-ready"
  if ! OPENSEARCH_JAVA_HOME=$JAVA_HOME_OS OPENSEARCH_INITIAL_ADMIN_PASSWORD=$pw \
    bash "$DIR/leader/home/plugins/opensearch-security/tools/install_demo_configuration.sh" -y -i -s \
    >"$DIR/demo-config.log" 2>&1; then
    tail -20 "$DIR/demo-config.log" >&2
    die "the demo security configuration failed (log: $DIR/demo-config.log)"
  fi
  grep -q '^plugins.security.ssl.http.enabled: true' "$DIR/leader/home/config/opensearch.yml" ||
    die "the demo configuration did not enable TLS (see $DIR/demo-config.log)"
  mkdir -p "$DIR/follower" "$CERT_DIR"
  cp -a "$DIR/leader/home" "$DIR/follower/home"
  cp "$DIR/leader/home/config/root-ca.pem" "$DIR/leader/home/config/kirk.pem" \
    "$DIR/leader/home/config/kirk-key.pem" "$CERT_DIR/"
  chmod 600 "$CERT_DIR/kirk-key.pem"

  for n in "${CLUSTERS[@]}"; do
    cluster_settings "$n" >>"$DIR/$n/home/config/opensearch.yml"
    mkdir -p "$DIR/$n/data" "$DIR/$n/logs" "$DIR/$n/tmp"
  done
  if [[ $(id -u) == 0 ]]; then
    ensure_run_user
    chown -R "$RUN_USER:" "$DIR/leader" "$DIR/follower"
    chmod 755 "$DIR"
    setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --clear-groups \
      test -r "$DIR/leader/home/config/opensearch.yml" ||
      die "user $RUN_USER cannot reach $DIR (a parent folder is not traversable): set XCLUSTER_OS_DIR"
  fi

  launch_time=$SECONDS
  for n in "${CLUSTERS[@]}"; do
    log "starting $n (http ${HTTP_PORT[$n]}, transport ${TRANSPORT_PORT[$n]}, heap 512m)"
    if ! launch "$n"; then
      show_failure "$n"
      stop_all
      die "could not launch $n"
    fi
  done
  local deadline=$((SECONDS + TIMEOUT))
  for n in "${CLUSTERS[@]}"; do wait_ready "$n" "$deadline"; done
  printf '%s\n' "$VERSION" >"$DIR/running-version"
  log "both clusters are up after ${SECONDS}s; \`$0 env\` prints their addresses"
}

cmd_stop() {
  # Even without the work dir (removed under running nodes, as `.ci/run` removes .tmp), nodes
  # started from it are found by the home folder on their command line, and stopped.
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 600 9 || die "another start/stop holds $DIR/.lock"
  stop_all
  rm -f "$DIR/running-version"
}

cmd_status() {
  local n pid up=0
  for n in "${CLUSTERS[@]}"; do
    pid=$(running_pid "$n")
    if [[ -n $pid ]]; then
      up=$((up + 1))
      printf '%-8s running  pid %s  https://%s:%s  transport %s:%s\n' "$n" "$pid" "$HOST" \
        "${HTTP_PORT[$n]}" "$HOST" "${TRANSPORT_PORT[$n]}"
    else
      printf '%-8s stopped\n' "$n"
    fi
  done
  ((up == ${#CLUSTERS[@]})) || return 3
}

cmd_env() {
  local v
  v=$(cat "$DIR/running-version" 2>/dev/null || printf '%s' "$VERSION")
  printf 'export OS_VERSION=%q\n' "$v"
  printf 'export OS_LEADER_URL=%q\n' "https://$HOST:${HTTP_PORT[leader]}"
  printf 'export OS_FOLLOWER_URL=%q\n' "https://$HOST:${HTTP_PORT[follower]}"
  printf 'export OS_LEADER_TRANSPORT=%q\n' "$HOST:${TRANSPORT_PORT[leader]}"
  printf 'export OS_FOLLOWER_TRANSPORT=%q\n' "$HOST:${TRANSPORT_PORT[follower]}"
  printf 'export OS_CA_FILE=%q\n' "$CA_FILE"
  printf 'export OS_ADMIN_USER=%q\n' "$ADMIN_USER"
  printf 'export OS_ADMIN_PASSWORD_FILE=%q\n' "$PASSWORD_FILE"
  # The demo super-admin client certificate (CN=kirk): the nodesdn API accepts only it.
  printf 'export OS_ADMIN_CERT_FILE=%q\n' "$CERT_DIR/kirk.pem"
  printf 'export OS_ADMIN_KEY_FILE=%q\n' "$CERT_DIR/kirk-key.pem"
}

cmd_securityconfig() { # name file
  local n=${1:-} file=${2:-}
  [[ -n ${HTTP_PORT[$n]:-} ]] || die "securityconfig: name a cluster (${CLUSTERS[*]})"
  [[ -f $file ]] || die "securityconfig: no file $file"
  [[ -n $(running_pid "$n") ]] || die "securityconfig: $n is not running"
  local java_home tool=$DIR/$n/home/plugins/opensearch-security/tools/securityadmin.sh
  java_home=$(java_home)
  # -icl / -nhnv: the demo certificates name neither this cluster nor the host name.
  OPENSEARCH_JAVA_HOME=$java_home JAVA_HOME=$java_home bash "$tool" -f "$(realpath "$file")" -t config \
    -icl -nhnv -cacert "$CA_FILE" -cert "$CERT_DIR/kirk.pem" -key "$CERT_DIR/kirk-key.pem" \
    -h "$HOST" -p "${HTTP_PORT[$n]}" >"$DIR/securityadmin.log" 2>&1 || {
    tail -20 "$DIR/securityadmin.log" >&2
    die "securityadmin.sh could not upload $file to $n (log: $DIR/securityadmin.log)"
  }
  log "uploaded $file as the security config of $n"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  securityconfig) cmd_securityconfig "${2:-}" "${3:-}" ;;
  *)
    echo "usage: $0 start|stop|status|env|securityconfig leader|follower FILE" >&2
    exit 2
    ;;
esac
