#!/usr/bin/env bash
# The local stack: a project-local PostgreSQL cluster, an S3-compatible server (fauxqs) and the Azure
# Storage emulator (Azurite: blob, queue, table), all on 127.0.0.1.
#
#   infra/local/stack.sh up       start all three (idempotent: a running service is left as it is)
#   infra/local/stack.sh down     stop all three, keep their data
#   infra/local/stack.sh wipe     stop all three and delete their data
#   infra/local/stack.sh status   say what runs where
#   infra/local/stack.sh env      print the connection settings (KEY=VALUE, ready for `set -a; source`)
#   infra/local/stack.sh restart-postgres | stop-s3 | stop-azurite
#                                 for fault tests (`up` starts S3 and Azurite again)
#
# State lives under .local/ (git-ignored) or $VINTED_STATE_DIR. The settings are written to
# .local/stack.env in the environment-variable form the host reads (Section__Key=value).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${VINTED_STATE_DIR:-$ROOT/.local}
ENV_FILE=$STATE/stack.env
S3_DIR=$ROOT/infra/local/s3
AZURITE_DIR=$ROOT/infra/local/azurite
# Azurite's well-known development account (public, the same in every Azurite; not a secret).
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
BUCKET=${VINTED_S3_BUCKET:-vinted-raw}
DATABASE=vinted

log() { printf '[stack] %s\n' "$*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port chosen once is kept in the state folder so that a second `up` finds the same stack.
pick_port() {
  local name=$1 start=$2 file=$STATE/$1.port
  if [[ -f $file ]]; then cat "$file"; return; fi
  local p=$start
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p" >"$file"
  echo "$p"
}

port_listening() { ! port_free "$1"; }

# Up to a minute each: a cold Node start of Azurite on a busy two-core machine has taken more than ten seconds.
wait_for_port() {
  local port=$1 what=$2 i
  for i in $(seq 1 600); do
    port_listening "$port" && return 0
    sleep 0.1
  done
  log "$what did not open 127.0.0.1:$port; see its log under $STATE"
  return 1
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() {
  local d
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  for d in /usr/lib/postgresql/*/bin; do [[ -x $d/initdb ]] && { echo "$d"; return; }; done
  return 1
}

ensure_pg_installed() {
  if pg_bin >/dev/null; then return; fi
  log "PostgreSQL not found: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  # Debian's package starts its own cluster on 5432; this project never uses it.
  (command -v pg_ctlcluster >/dev/null && pg_ctlcluster --force "$(ls /usr/lib/postgresql | sort -V | tail -1)" main stop) >/dev/null 2>&1 || true
  pg_bin >/dev/null || { log "postgresql installed but initdb not found"; exit 1; }
}

# initdb refuses to run as root, so as root the cluster belongs to the postgres user. That user must be
# able to reach the data folder; a clone under a private folder (mktemp -d is 0700) is out of its reach,
# and then the cluster lives under /var/tmp instead, keyed by the checkout's path.
pg_dir() {
  if [[ $(id -u) -ne 0 ]]; then echo "$STATE/pg"; return; fi
  if runuser -u postgres -- test -x "$STATE" 2>/dev/null; then echo "$STATE/pg"; return; fi
  echo "/var/tmp/vinted-local-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)/pg"
}

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
  ensure_pg_installed
  local bin dir port
  bin=$(pg_bin)
  dir=$(pg_dir)
  port=$(pick_port pg 55432)
  echo "$dir" >"$STATE/pg.dir"
  if [[ ! -f $dir/data/PG_VERSION ]]; then
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { log "initdb failed: $dir/initdb.log"; cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$port"
  else
    # A throwaway development cluster: durability settings off for speed. A clean restart keeps the data;
    # only a machine crash could lose it.
    # The port was free when picked, but another process may take it before PostgreSQL binds (stacks of several
    # clones starting at once): then the next free port, a few times.
    local attempt
    for attempt in 1 2 3 4 5; do
      if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB" \
        start >/dev/null; then
        break
      fi
      if [[ $attempt -lt 5 ]] && tail -5 "$dir/postgres.log" | grep -q "Address already in use"; then
        log "port $port was taken meanwhile; trying the next free one"
        rm -f "$STATE/pg.port"
        port=$(pick_port pg $((port + 1)))
        continue
      fi
      log "PostgreSQL failed to start: $dir/postgres.log"; tail -20 "$dir/postgres.log" >&2; exit 1
    done
    log "PostgreSQL started on 127.0.0.1:$port (data: $dir/data)"
  fi
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$DATABASE'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database $DATABASE" >/dev/null
  fi
}

pg_down() {
  local bin dir
  bin=$(pg_bin 2>/dev/null) || return 0
  [[ -f $STATE/pg.dir ]] || return 0
  dir=$(cat "$STATE/pg.dir")
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
  fi
}

# ---------------------------------------------------------------- S3 server
s3_installed() { [[ -f $S3_DIR/node_modules/.package-lock.json ]] && cmp -s "$S3_DIR/package-lock.json" "$S3_DIR/.installed-lock" 2>/dev/null; }

s3_install() {
  s3_installed && return
  command -v npm >/dev/null || { log "npm is required for the S3 server (apt-get install nodejs npm)"; exit 1; }
  log "installing the pinned S3 server (npm ci in infra/local/s3)"
  (cd "$S3_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$S3_DIR/package-lock.json" "$S3_DIR/.installed-lock"
}

s3_running() { [[ -f $STATE/s3.pid ]] && kill -0 "$(cat "$STATE/s3.pid")" 2>/dev/null; }

s3_up() {
  s3_install
  local port
  port=$(pick_port s3 45690)
  if s3_running && port_listening "$port"; then
    log "S3 server already running on 127.0.0.1:$port"
    return
  fi
  # s3-objects, not s3: the folder of the server before (s3rver) has another layout.
  mkdir -p "$STATE/s3-objects"
  nohup "$S3_DIR/start.sh" --address 127.0.0.1 --port "$port" --directory "$STATE/s3-objects" --bucket "$BUCKET" \
    >"$STATE/s3.log" 2>&1 </dev/null &
  echo $! >"$STATE/s3.pid"
  wait_for_port "$port" "S3 server" || { tail -20 "$STATE/s3.log" >&2; exit 1; }
  log "S3 server started on 127.0.0.1:$port (bucket $BUCKET, data: $STATE/s3-objects)"
}

s3_down() {
  if s3_running; then
    local pid
    pid=$(cat "$STATE/s3.pid")
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    log "S3 server stopped"
  fi
  rm -f "$STATE/s3.pid"
}

# ---------------------------------------------------------------- Azurite (Azure Storage emulator)
# The install marker lives inside node_modules (git-ignored, and gone whenever node_modules is).
azurite_installed() { [[ -f $AZURITE_DIR/node_modules/.package-lock.json ]] && cmp -s "$AZURITE_DIR/package-lock.json" "$AZURITE_DIR/node_modules/.installed-lock" 2>/dev/null; }

azurite_install() {
  azurite_installed && return
  command -v npm >/dev/null || { log "npm is required for Azurite (apt-get install nodejs npm)"; exit 1; }
  log "installing the pinned Azurite (npm ci in infra/local/azurite)"
  (cd "$AZURITE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$AZURITE_DIR/package-lock.json" "$AZURITE_DIR/node_modules/.installed-lock"
}

# Three ports, each searched from the one after the previous, so that they never collide.
azurite_ports() {
  local blob queue table
  blob=$(pick_port azurite-blob 45720)
  queue=$(pick_port azurite-queue $((blob + 1)))
  table=$(pick_port azurite-table $((queue + 1)))
  echo "$blob $queue $table"
}

azurite_running() { [[ -f $STATE/azurite.pid ]] && kill -0 "$(cat "$STATE/azurite.pid")" 2>/dev/null; }

azurite_up() {
  azurite_install
  local blob queue table
  read -r blob queue table < <(azurite_ports)
  if azurite_running && port_listening "$blob" && port_listening "$queue" && port_listening "$table"; then
    log "Azurite already running on 127.0.0.1:$blob (blob), :$queue (queue), :$table (table)"
    return
  fi
  azurite_down quiet
  mkdir -p "$STATE/azurite"
  nohup "$AZURITE_DIR/start.sh" --blob-port "$blob" --queue-port "$queue" --table-port "$table" --location "$STATE/azurite" \
    >"$STATE/azurite.log" 2>&1 </dev/null &
  echo $! >"$STATE/azurite.pid"
  { wait_for_port "$blob" "Azurite blob" && wait_for_port "$queue" "Azurite queue" && wait_for_port "$table" "Azurite table"; } \
    || { tail -20 "$STATE/azurite.log" >&2; exit 1; }
  log "Azurite started on 127.0.0.1:$blob (blob), :$queue (queue), :$table (table) (data: $STATE/azurite)"
}

# SIGTERM lets Azurite save its metadata (it autosaves only every 5 s); wait for it to exit so that a
# following `up` finds the ports free and the data complete.
azurite_down() {
  if azurite_running; then
    local pid i
    pid=$(cat "$STATE/azurite.pid")
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    [[ ${1:-} == quiet ]] || log "Azurite stopped"
  fi
  rm -f "$STATE/azurite.pid"
}

# ---------------------------------------------------------------- settings
# Function keys are made once per checkout and kept in the state folder, like the ports.
function_key() {
  local file=$STATE/$1.key
  [[ -f $file ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$file"
  cat "$file"
}

write_env() {
  local pg s3 blob queue table
  pg=$(cat "$STATE/pg.port")
  s3=$(cat "$STATE/s3.port")
  blob=$(cat "$STATE/azurite-blob.port")
  queue=$(cat "$STATE/azurite-queue.port")
  table=$(cat "$STATE/azurite-table.port")
  # Values are single-quoted: connection strings hold ';' and spaces.
  cat >"$ENV_FILE" <<ENV
ConnectionStrings__Warehouse='Host=127.0.0.1;Port=$pg;Username=postgres;Database=$DATABASE;Maximum Pool Size=60'
S3__ServiceUrl='http://127.0.0.1:$s3'
S3__Bucket='$BUCKET'
S3__AccessKey='local'
S3__SecretKey='local'
Functions__Keys__Default='$(function_key default)'
Functions__Keys__Admin='$(function_key admin)'
AzureWebJobsStorage='DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/$AZURITE_ACCOUNT;QueueEndpoint=http://127.0.0.1:$queue/$AZURITE_ACCOUNT;TableEndpoint=http://127.0.0.1:$table/$AZURITE_ACCOUNT;'
ENV
}

case "${1:-up}" in
  up)
    mkdir -p "$STATE"
    pg_up
    s3_up
    azurite_up
    write_env
    log "settings written to $ENV_FILE"
    ;;
  down)
    azurite_down
    s3_down
    pg_down
    ;;
  wipe)
    azurite_down
    s3_down
    pg_down
    [[ -f $STATE/pg.dir ]] && rm -rf "$(cat "$STATE/pg.dir")"
    rm -rf "$STATE"
    log "local stack wiped"
    ;;
  status)
    if [[ -f $STATE/pg.port ]] && port_listening "$(cat "$STATE/pg.port")"; then echo "postgresql: 127.0.0.1:$(cat "$STATE/pg.port")"; else echo "postgresql: down"; fi
    if s3_running; then echo "s3: 127.0.0.1:$(cat "$STATE/s3.port")"; else echo "s3: down"; fi
    if azurite_running; then
      echo "azurite: 127.0.0.1:$(cat "$STATE/azurite-blob.port") (blob), :$(cat "$STATE/azurite-queue.port") (queue), :$(cat "$STATE/azurite-table.port") (table)"
    else
      echo "azurite: down"
    fi
    ;;
  restart-postgres)
    # For fault tests: a clean restart of the cluster under running hosts.
    bin=$(pg_bin)
    dir=$(cat "$STATE/pg.dir")
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -m fast -w restart >/dev/null
    log "PostgreSQL restarted"
    ;;
  stop-s3)
    s3_down
    ;;
  stop-azurite)
    azurite_down
    ;;
  env)
    [[ -f $ENV_FILE ]] || { log "the stack has not been started: run infra/local/stack.sh up"; exit 1; }
    cat "$ENV_FILE"
    ;;
  *)
    echo "usage: $0 up|down|wipe|status|env|restart-postgres|stop-s3|stop-azurite" >&2
    exit 2
    ;;
esac
