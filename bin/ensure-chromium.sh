#!/usr/bin/env bash
# Makes sure Chromium is installed (Debian package) for the dashboard's browser tests, which drive
# it with playwright-core. CHROMIUM_PATH points the tests at another build.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "installing chromium (Debian package)..."
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
  echo "could not install chromium with apt-get; install it or set CHROMIUM_PATH" >&2
  exit 1
}
