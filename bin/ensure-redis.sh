#!/usr/bin/env bash
# Makes sure redis-server is installed (Debian package), unless REDIS_URL points at a server.
set -euo pipefail
if [ -n "${REDIS_URL:-}" ] || command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "redis-server is missing: install it (sudo apt-get install -y redis-server) or set REDIS_URL" >&2
  exit 1
fi
echo "installing redis-server (Debian package)..."
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || {
  echo "could not install redis-server with apt-get; install it or set REDIS_URL" >&2
  exit 1
}
