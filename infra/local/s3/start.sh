#!/usr/bin/env bash
# Starts the pinned s3rver. Its ListObjectsV2 continuation tokens use DES, which Node 17+ keeps behind
# the legacy OpenSSL provider: without it, paged listings answer 500.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --address) args+=(-a "$2"); shift 2 ;;
    --port) args+=(-p "$2"); shift 2 ;;
    --directory) args+=(-d "$2"); shift 2 ;;
    --bucket) args+=(--configure-bucket "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export NODE_OPTIONS=--openssl-legacy-provider
exec node "$here/node_modules/s3rver/bin/s3rver.js" "${args[@]}"
