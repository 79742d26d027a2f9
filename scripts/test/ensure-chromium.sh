#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when it is missing (needs root, as in CI).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is missing: run 'apt-get install -y chromium' as root, then npm test again." >&2
  exit 1
fi
echo "Installing Chromium for the browser tests (apt-get)…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
