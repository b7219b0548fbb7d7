# Shared by scripts/elasticsearch.sh and scripts/opensearch.sh: finding, fetching and stopping
# single-node test clusters. Sourced, never run. The caller sets, before sourcing:
#   LOG_TAG          prefix of log lines ("elasticsearch")
#   SERVER_NAME      the server's name in messages ("Elasticsearch")
#   NODE_MAIN_CLASS  the main class on a node's command line (org.elasticsearch.bootstrap.Elasticsearch)
#   NODE_HOME_FLAG   the home-folder flag on it (-Des.path.home)
#   DIR, CLUSTERS, RUN_USER, DEP_PLUGIN, ADMIN_USER, PASSWORD_FILE, CA_FILE
# and defines pid_file NAME (the node's pid file).

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}

is_our_node() { # pid name
  local cmd
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmd == *"$NODE_MAIN_CLASS"* && $cmd == *"$NODE_HOME_FLAG=$DIR/$2/home "* ]]
}

# The pid of a running node of ours, or nothing. Checks the command line, so a recycled pid is
# never taken for a node. When the pid file is gone (say the work dir was removed under a
# running node), finds the node by its home folder on its command line.
running_pid() {
  local n=$1 f pid hit
  f=$(pid_file "$n")
  if [[ -s $f ]]; then
    pid=$(tr -dc 0-9 <"$f")
    if [[ -n $pid ]] && is_our_node "$pid" "$n"; then
      printf '%s' "$pid"
      return 0
    fi
  fi
  while IFS= read -r hit; do
    pid=${hit#/proc/}
    pid=${pid%/cmdline}
    if is_our_node "$pid" "$n"; then
      printf '%s' "$pid"
      return 0
    fi
  done < <(grep -lsF -- "$NODE_HOME_FLAG=$DIR/$n/home" /proc/[0-9]*/cmdline 2>/dev/null)
  return 0
}

# curl with the admin credentials passed through a config on a pipe (never on the command line).
admin_curl() {
  local pw
  pw=$(<"$PASSWORD_FILE")
  pw=${pw//\\/\\\\}
  pw=${pw//\"/\\\"}
  printf 'user = "%s:%s"\n' "$ADMIN_USER" "$pw" | curl -sS --cacert "$CA_FILE" -K - "$@"
}

fetch() { # coords dest-dir
  local coords=$1 dest=$2 mlog=$DIR/mvn.log
  mkdir -p "$dest"
  # Offline first: no network at all once the artifact and the plugin are in ~/.m2.
  if mvn -o -q -B -Dstyle.color=never "$DEP_PLUGIN:copy" -Dartifact="$coords" \
    -DoutputDirectory="$dest" >"$mlog" 2>&1; then
    return 0
  fi
  log "downloading $coords"
  if ! mvn -U -q -B -Dstyle.color=never "$DEP_PLUGIN:copy" -Dartifact="$coords" \
    -DoutputDirectory="$dest" >"$mlog" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mlog" | grep -E 'ERROR' | head -5 >&2 || true
    die "could not fetch $coords with Maven (full output: $mlog)"
  fi
}

port_in_use() { [[ -n $(ss -Hltn "( sport = :$1 )" 2>/dev/null) ]]; }

ensure_run_user() {
  if ! id -u "$RUN_USER" >/dev/null 2>&1; then
    log "creating system user $RUN_USER ($SERVER_NAME refuses to run as root)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
  fi
}

# True once `pid` has exited, false if it still runs after `seconds`.
wait_gone() { # pid seconds
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 1
  done
  ! kill -0 "$1" 2>/dev/null
}

stop_one() { # name
  local n=$1 pid
  pid=$(running_pid "$n")
  if [[ -z $pid ]]; then
    rm -f "$(pid_file "$n")"
    log "$n: not running"
    return 0
  fi
  log "stopping $n (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 60; then
    log "$n did not stop within 60s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || true
  fi
  rm -f "$(pid_file "$n")"
  log "$n stopped"
}

stop_all() {
  local n
  for n in "${CLUSTERS[@]}"; do stop_one "$n"; done
}
