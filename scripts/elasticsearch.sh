#!/usr/bin/env bash
# Three real single-node Elasticsearch clusters with security on, one per supported major, on
# loopback, for the integration tests:
#   es7  7.17.25  https://127.0.0.1:19210  transport 127.0.0.1:19310
#   es8  8.19.5   https://127.0.0.1:19211  transport 127.0.0.1:19311
#   es9  9.1.5    https://127.0.0.1:19212  transport 127.0.0.1:19312
# Built from Maven artifacts only: org.elasticsearch.distribution.integ-test-zip:elasticsearch:<v>:zip
# (fetched with `mvn dependency:copy`, cached in ~/.m2: later runs need no network), plus the
# test plugin in test/elasticsearch-plugin/, compiled here against each zip's own lib/. The
# plugin stands in for the three modules the integ-test zip lacks (analysis-common, rest-root,
# lang-mustache); see test/elasticsearch-plugin/README.md.
#
# Security: trial licence (everything security has), the file realm for the bootstrap
# superuser, TLS on HTTP and transport with a CA made by the zip's own elasticsearch-certutil.
#
# Usage: scripts/elasticsearch.sh start|stop|status|env
#   start   prepare (first time), then start the clusters from empty data and wait until each
#           answers cluster health >= yellow over verified TLS
#   stop    stop them (SIGTERM, bounded wait, then SIGKILL)
#   status  print which cluster runs (exit 0 when all run, 3 otherwise)
#   env     print `export` lines: ES_<NAME>_URL, ES_<NAME>_TRANSPORT, ES_<NAME>_VERSION,
#           ES_CA_FILE, ES_ADMIN_USER, ES_ADMIN_PASSWORD_FILE (a path: the password is never printed)
#
# Environment:
#   XCLUSTER_ES_CLUSTERS   which clusters, default "es7 es8 es9"
#   ES7_VERSION, ES8_VERSION, ES9_VERSION   defaults 7.17.25, 8.19.5, 9.1.5
#   XCLUSTER_ES_JAVA21_HOME  a JDK 21+ for 9.x (default: the newest /usr/lib/jvm/temurin-2*)
#   XCLUSTER_ES_DIR        work dir, default $PWD/.tmp/elasticsearch
#   XCLUSTER_ES_USER       when run as root, the system user the nodes run as (Elasticsearch
#                          refuses root); created if missing. Default xcluster-es
#   XCLUSTER_ES_TIMEOUT    seconds to wait for all clusters, default 300
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(realpath -m "${XCLUSTER_ES_DIR:-$PWD/.tmp/elasticsearch}")
RUN_USER=${XCLUSTER_ES_USER:-xcluster-es}
TIMEOUT=${XCLUSTER_ES_TIMEOUT:-300}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
ADMIN_USER='xcluster-admin'
HOST=127.0.0.1
PLUGIN_SRC=$ROOT/test/elasticsearch-plugin

read -r -a CLUSTERS <<<"${XCLUSTER_ES_CLUSTERS:-es7 es8 es9}"
declare -A VERSION=([es7]=${ES7_VERSION:-7.17.25} [es8]=${ES8_VERSION:-8.19.5} [es9]=${ES9_VERSION:-9.1.5})
declare -A HTTP_PORT=([es7]=19210 [es8]=19211 [es9]=19212)
declare -A TRANSPORT_PORT=([es7]=19310 [es8]=19311 [es9]=19312)

PASSWORD_FILE=$DIR/admin-password
CERT_DIR=$DIR/certs
CA_FILE=$CERT_DIR/ca/ca.crt

LOG_TAG=elasticsearch
SERVER_NAME=Elasticsearch
NODE_MAIN_CLASS=org.elasticsearch.bootstrap.Elasticsearch
NODE_HOME_FLAG=-Des.path.home
# shellcheck source=scripts/lib/nodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/nodes.sh"

for n in "${CLUSTERS[@]}"; do [[ -n ${VERSION[$n]:-} ]] || die "unknown cluster '$n' (known: es7 es8 es9)"; done

pid_file() { printf '%s/%s/es.pid' "$DIR" "$1"; }
major() { printf '%s' "${VERSION[$1]%%.*}"; }

default_java_home() {
  local java
  java=$(command -v java) || die "no java on PATH (Elasticsearch 7.17/8.x need Java 17; the integ-test zip has no bundled JDK)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

java21_home() {
  if [[ -n ${XCLUSTER_ES_JAVA21_HOME:-} ]]; then
    printf '%s' "$XCLUSTER_ES_JAVA21_HOME"
    return
  fi
  local jdk
  jdk=$(ls -d /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/java-2[1-9]-* 2>/dev/null | sort -V | tail -1)
  [[ -n $jdk ]] || die "Elasticsearch 9.x needs Java 21+: set XCLUSTER_ES_JAVA21_HOME"
  printf '%s' "$jdk"
}

java_home_for() { # name
  if (($(major "$1") >= 9)); then java21_home; else default_java_home; fi
}

# The test plugin for one version: the 7.x or the 8.x/9.x variant, compiled against the
# zip's lib/ with the classic plugin descriptor (elasticsearch.version must equal the server's).
build_plugin() { # version home out-dir
  local v=$1 home=$2 out=$3 variant=v8 release=17 javac
  case $v in 7.*) variant=v7 ;; 9.*) release=21 ;; esac
  javac=$(java21_home)/bin/javac
  [[ -x $javac ]] || javac=$(default_java_home)/bin/javac
  rm -rf "$out" "$out.classes"
  mkdir -p "$out" "$out.classes"
  # shellcheck disable=SC2046
  "$javac" -nowarn -Xlint:none --release "$release" -cp "$home/lib/*" -d "$out.classes" \
    $(find "$PLUGIN_SRC/common" "$PLUGIN_SRC/$variant" -name '*.java') >"$DIR/plugin-build-$v.log" 2>&1 || {
    cat "$DIR/plugin-build-$v.log" >&2
    die "compiling the test plugin for $v failed"
  }
  (cd "$out.classes" && jar cf "$out/xcluster-test-plugin.jar" .)
  rm -rf "$out.classes"
  {
    printf 'description=%s\n' 'xcluster test stand-ins for analysis-common, rest-root and lang-mustache'
    printf 'version=1.0.0\nname=xcluster-test\nclassname=xcluster.testplugin.XclusterTestPlugin\n'
    printf 'java.version=%s\nelasticsearch.version=%s\n' "$release" "$v"
    printf 'extended.plugins=\nhas.native.controller=false\n'
  } >"$out/plugin-descriptor.properties"
}

# Unpacked distribution with the test plugin, made once per version.
prepare_base() { # version
  local v=$1 base=$DIR/base-$1 dist=$DIR/dist
  [[ -f $base/.xcluster-ready ]] && return 0
  local zip=$dist/elasticsearch-$v.zip
  [[ -f $zip ]] || fetch "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$v:zip" "$dist"
  log "unpacking Elasticsearch $v and building the test plugin"
  rm -rf "$base.tmp" "$base"
  mkdir -p "$base.tmp"
  unzip -q "$zip" -d "$base.tmp"
  local home=$base.tmp/elasticsearch-$v
  [[ -x $home/bin/elasticsearch ]] || die "unexpected layout in $zip (no elasticsearch-$v/bin/elasticsearch)"
  build_plugin "$v" "$home" "$home/plugins/xcluster-test"
  mv "$home" "$base"
  rm -rf "$base.tmp"
  touch "$base/.xcluster-ready"
}

random_password() { printf 'Xc9-%s_q' "$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"; }

# One CA for all clusters, and one node certificate for 127.0.0.1/localhost signed by it: the
# clusters trust each other's transport layer (the TLS certificate remote cluster model).
make_certs() { # home java-home
  local home=$1 jh=$2
  rm -rf "$CERT_DIR"
  mkdir -p "$CERT_DIR"
  ES_JAVA_HOME=$jh ES_PATH_CONF=$home/config "$home/bin/elasticsearch-certutil" ca --pem --silent \
    --out "$CERT_DIR/ca.zip" >"$DIR/certutil.log" 2>&1 || {
    cat "$DIR/certutil.log" >&2
    die "elasticsearch-certutil ca failed"
  }
  unzip -q -o "$CERT_DIR/ca.zip" -d "$CERT_DIR"
  ES_JAVA_HOME=$jh ES_PATH_CONF=$home/config "$home/bin/elasticsearch-certutil" cert --pem --silent \
    --ca-cert "$CERT_DIR/ca/ca.crt" --ca-key "$CERT_DIR/ca/ca.key" --name node \
    --ip 127.0.0.1 --dns localhost --out "$CERT_DIR/node.zip" >>"$DIR/certutil.log" 2>&1 || {
    cat "$DIR/certutil.log" >&2
    die "elasticsearch-certutil cert failed"
  }
  unzip -q -o "$CERT_DIR/node.zip" -d "$CERT_DIR"
  chmod 600 "$CERT_DIR/ca/ca.key"
}

node_settings() { # name
  local n=$1
  cat <<EOF
######## xcluster integration cluster: $n (Elasticsearch ${VERSION[$n]}) ########
cluster.name: xcluster-$n
node.name: $n-0
path.data: "$DIR/$n/data"
path.logs: "$DIR/$n/logs"
network.host: $HOST
http.port: ${HTTP_PORT[$n]}
transport.port: ${TRANSPORT_PORT[$n]}
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
xpack.license.self_generated.type: trial
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/node/node.key
xpack.security.http.ssl.certificate: certs/node/node.crt
xpack.security.http.ssl.certificate_authorities: [ "certs/ca/ca.crt" ]
xpack.security.transport.ssl.enabled: true
xpack.security.transport.ssl.verification_mode: certificate
xpack.security.transport.ssl.key: certs/node/node.key
xpack.security.transport.ssl.certificate: certs/node/node.crt
xpack.security.transport.ssl.certificate_authorities: [ "certs/ca/ca.crt" ]
EOF
}

as_run_user() {
  if [[ $(id -u) == 0 ]]; then
    setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --clear-groups "$@"
  else
    "$@"
  fi
}

# A node's own home (a copy of the version's base), config, file-realm admin and certificates.
prepare_node() { # name password
  local n=$1 pw=$2 v=${VERSION[$1]} home=$DIR/$1/home jh
  jh=$(java_home_for "$n")
  rm -rf "${DIR:?}/$n"
  mkdir -p "$DIR/$n/data" "$DIR/$n/logs" "$DIR/$n/tmp"
  cp -a "$DIR/base-$v" "$home"
  rm -f "$home/.xcluster-ready"
  node_settings "$n" >>"$home/config/elasticsearch.yml"
  mkdir -p "$home/config/certs"
  cp -r "$CERT_DIR/ca" "$CERT_DIR/node" "$home/config/certs/"
  rm -f "$home/config/certs/ca/ca.key"
  ES_JAVA_HOME=$jh ES_PATH_CONF=$home/config "$home/bin/elasticsearch-users" useradd "$ADMIN_USER" \
    -p "$pw" -r superuser >"$DIR/$n/users.log" 2>&1 || {
    cat "$DIR/$n/users.log" >&2
    die "elasticsearch-users useradd failed on $n"
  }
}

launch() { # name
  local n=$1 home=$DIR/$1/home jh
  jh=$(java_home_for "$n")
  local -a envs=(
    "PATH=/usr/local/bin:/usr/bin:/bin"
    "HOME=$DIR/$n"
    "ES_JAVA_HOME=$jh"
    "ES_JAVA_OPTS=-Xms512m -Xmx512m"
    "ES_PATH_CONF=$home/config"
    "ES_TMPDIR=$DIR/$n/tmp"
  )
  # fd 9 holds the start/stop lock: the node must not inherit it.
  (cd "$home" && as_run_user env -i "${envs[@]}" "$home/bin/elasticsearch" -d -p "$(pid_file "$n")" \
    </dev/null >"$DIR/$n/stdout.log" 2>&1 9>&-)
}

show_failure() { # name
  local n=$1 f=$DIR/$1/logs/xcluster-$1.log
  log "---- $n: last lines of $f ----"
  tail -n 40 "$f" 2>/dev/null >&2 || log "(no node log)"
  if [[ -s $DIR/$n/stdout.log ]]; then
    log "---- $n: last lines of $DIR/$n/stdout.log ----"
    tail -n 20 "$DIR/$n/stdout.log" >&2
  fi
}

wait_ready() { # name deadline
  local n=$1 deadline=$2 url="https://$HOST:${HTTP_PORT[$1]}" out status
  while :; do
    if [[ -z $(running_pid "$n") ]] && ((SECONDS > launch_time + 20)); then
      show_failure "$n"
      stop_all
      die "cluster $n exited during startup"
    fi
    if out=$(admin_curl --max-time 10 "$url/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null) &&
      status=$(grep -o '"status":"[a-z]*"' <<<"$out" | cut -d'"' -f4) &&
      [[ $status == green || $status == yellow ]] && ! grep -q '"timed_out":true' <<<"$out"; then
      log "$n is up: $url (Elasticsearch ${VERSION[$n]}, health $status, ${SECONDS}s)"
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
    log "already running: ${CLUSTERS[*]}"
    return 0
  fi
  ((up > 0)) && {
    log "only some clusters run: stopping them first"
    stop_all
  }
  for n in "${CLUSTERS[@]}"; do
    local p
    for p in "${HTTP_PORT[$n]}" "${TRANSPORT_PORT[$n]}"; do
      port_in_use "$p" && die "port $p (for $n) is already in use by another process"
    done
  done
  SECONDS=0
  for n in "${CLUSTERS[@]}"; do prepare_base "${VERSION[$n]}"; done
  # 7.x's integ-test zip has no security CLI: certutil comes from an 8.x/9.x zip.
  local tool_version=${VERSION[es8]}
  prepare_base "$tool_version"
  make_certs "$DIR/base-$tool_version" "$(default_java_home)"
  local pw
  pw=$(random_password)
  (umask 077 && printf '%s' "$pw" >"$PASSWORD_FILE")
  for n in "${CLUSTERS[@]}"; do prepare_node "$n" "$pw"; done
  if [[ $(id -u) == 0 ]]; then
    ensure_run_user
    for n in "${CLUSTERS[@]}"; do chown -R "$RUN_USER:" "$DIR/$n"; done
    chmod 755 "$DIR"
    as_run_user test -r "$DIR/${CLUSTERS[0]}/home/config/elasticsearch.yml" ||
      die "user $RUN_USER cannot reach $DIR (a parent folder is not traversable): set XCLUSTER_ES_DIR"
  fi
  launch_time=$SECONDS
  for n in "${CLUSTERS[@]}"; do
    log "starting $n: Elasticsearch ${VERSION[$n]} (http ${HTTP_PORT[$n]}, transport ${TRANSPORT_PORT[$n]}, heap 512m, java $(java_home_for "$n"))"
    launch "$n" || {
      show_failure "$n"
      stop_all
      die "could not launch $n"
    }
  done
  local deadline=$((SECONDS + TIMEOUT))
  for n in "${CLUSTERS[@]}"; do wait_ready "$n" "$deadline"; done
  log "all clusters are up after ${SECONDS}s; \`$0 env\` prints their addresses"
}

cmd_stop() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 600 9 || die "another start/stop holds $DIR/.lock"
  stop_all
}

cmd_status() {
  local n pid up=0
  for n in "${CLUSTERS[@]}"; do
    pid=$(running_pid "$n")
    if [[ -n $pid ]]; then
      up=$((up + 1))
      printf '%-4s running  pid %s  Elasticsearch %s  https://%s:%s  transport %s:%s\n' "$n" "$pid" \
        "${VERSION[$n]}" "$HOST" "${HTTP_PORT[$n]}" "$HOST" "${TRANSPORT_PORT[$n]}"
    else
      printf '%-4s stopped\n' "$n"
    fi
  done
  ((up == ${#CLUSTERS[@]})) || return 3
}

cmd_env() {
  local n N
  printf 'export ES_CLUSTERS=%q\n' "${CLUSTERS[*]}"
  for n in "${CLUSTERS[@]}"; do
    N=${n^^}
    printf 'export ES_%s_URL=%q\n' "$N" "https://$HOST:${HTTP_PORT[$n]}"
    printf 'export ES_%s_TRANSPORT=%q\n' "$N" "$HOST:${TRANSPORT_PORT[$n]}"
    printf 'export ES_%s_VERSION=%q\n' "$N" "${VERSION[$n]}"
  done
  printf 'export ES_CA_FILE=%q\n' "$CA_FILE"
  printf 'export ES_ADMIN_USER=%q\n' "$ADMIN_USER"
  printf 'export ES_ADMIN_PASSWORD_FILE=%q\n' "$PASSWORD_FILE"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
