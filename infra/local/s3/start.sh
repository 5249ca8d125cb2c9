#!/usr/bin/env bash
# Starts the pinned S3 server (fauxqs, see server.mjs) with the Node runtime pinned beside it: fauxqs needs Node 22.5 or
# later, and the machine's own Node may be older.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --address) [[ $2 == 127.0.0.1 ]] || { echo "the S3 server binds to 127.0.0.1 only" >&2; exit 2; }; shift 2 ;;
    --port) args+=(--port "$2"); shift 2 ;;
    --directory) args+=(--directory "$2"); shift 2 ;;
    --bucket) args+=(--bucket "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
exec "$here/node_modules/.bin/node" "$here/server.mjs" "${args[@]}"
