# Shared by the benchmark scripts that `source` it (bench/writes/run, bench/cluster/run): process
# bookkeeping (only what the script started, by PID, also on error or interrupt), tools, the jar.
# The sourcing script sets WORK, RESULTS and LOG_TAG first.

log() { echo "[$LOG_TAG $(date +%H:%M:%S)] $*" >&2; }
note_cmd() { printf '%s\n' "$*" >>"$RESULTS/commands.txt"; }

PIDS=()
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
stop_pid() { # pid
  local pid=$1 i
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null; fi
  fi
  wait "$pid" 2>/dev/null
  forget_pid "$pid"
}
run_child() { # a tracked child, waited for (so a trapped signal is handled at once)
  local pid rc
  "$@" &
  pid=$!
  PIDS+=("$pid")
  wait "$pid"
  rc=$?
  forget_pid "$pid"
  return "$rc"
}

cleanup() {
  local code=$? i
  trap - EXIT INT TERM
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [ "$code" != 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "work directory kept: $WORK"
  elif [ -z "${BENCH_WORK:-}" ]; then
    rm -rf "$WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

need() { # command apt-package...
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || { log "$cmd is missing and apt-get is not available"; exit 1; }
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null && APT_UPDATED=1; fi
  log "installing $* (for $cmd)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || { log "apt-get install $* failed"; exit 1; }
}

# Builds target/cup.jar unless BENCH_JAR or BENCH_SKIP_BUILD=1, copies it into the work directory
# (another build must not replace the jar under a running server): sets JAR_RUN and JAR_NOTE.
build_jar() { # root jar
  local root=$1 jar=$2
  JAR_NOTE="built by this run with mvn -B -q -DskipTests package"
  if [ -z "${BENCH_JAR:-}" ] && [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    need mvn maven
    log "building: mvn -B -q -DskipTests package"
    note_cmd "(cd $root && mvn -B -q -DskipTests package)"
    run_child bash -c 'cd "$1" && exec mvn -B -q -DskipTests package' build "$root" \
      >"$WORK/logs/build.log" 2>&1 || { log "build failed: $(tail -5 "$WORK/logs/build.log")"; exit 1; }
  fi
  [ -n "${BENCH_JAR:-}" ] && JAR_NOTE="given with BENCH_JAR, not built by this run"
  [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && JAR_NOTE="existing jar, build skipped (BENCH_SKIP_BUILD=1)"
  [ -f "$jar" ] || { log "$jar does not exist"; exit 1; }
  cp "$jar" "$WORK/cup.jar"
  JAR_NOTE="$JAR_NOTE, $(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$jar" | cut -c1-12)"
  JAR_RUN=$WORK/cup.jar
}

# The source revision the jar was built from (with a note when the tree has uncommitted changes).
source_revision() { # root
  local revision
  revision=$(git -C "$1" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$1" status --porcelain 2>/dev/null | head -1)" ]; then
    revision="$revision + uncommitted changes"
  fi
  echo "$revision"
}

# `git daemon --enable=receive-pack` on 127.0.0.1 serving DIR: sets DPORT, DAEMON_PID, REMOTE.
start_git_daemon() { # dir repo-to-probe
  local dir=$1 probe=$2
  DPORT=$(free_port)
  note_cmd "git daemon --reuseaddr --listen=127.0.0.1 --port=$DPORT --base-path=$dir --export-all --enable=receive-pack $dir"
  "$(git --exec-path)/git-daemon" --reuseaddr --listen=127.0.0.1 --port="$DPORT" --base-path="$dir" \
    --export-all --enable=receive-pack "$dir" >"$WORK/logs/git-daemon.log" 2>&1 &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  REMOTE=git://127.0.0.1:$DPORT
  for _ in $(seq 1 100); do git ls-remote "$REMOTE/$probe" >/dev/null 2>&1 && break; sleep 0.1; done
  git ls-remote "$REMOTE/$probe" >/dev/null || { log "git daemon did not start"; exit 1; }
}
