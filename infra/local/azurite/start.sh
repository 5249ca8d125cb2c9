#!/usr/bin/env bash
# Starts the pinned Azurite (Azure Storage emulator: blob, queue, table) on 127.0.0.1. State is kept on
# disk under --location (no --inMemoryPersistence), so it survives a restart; Azurite saves its metadata
# every 5 s and on SIGTERM/SIGINT, so a SIGKILL can lose the last few seconds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
blob= queue= table= location=
while [[ $# -gt 0 ]]; do
  case $1 in
    --blob-port) blob=$2; shift 2 ;;
    --queue-port) queue=$2; shift 2 ;;
    --table-port) table=$2; shift 2 ;;
    --location) location=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $blob && -n $queue && -n $table && -n $location ]] \
  || { echo "usage: $0 --blob-port P --queue-port P --table-port P --location DIR" >&2; exit 2; }
mkdir -p "$location"
exec "$here/node_modules/.bin/azurite" \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
  --location "$location" --loose --skipApiVersionCheck --silent --disableTelemetry
