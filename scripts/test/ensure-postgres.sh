#!/usr/bin/env bash
# The API suites also run on PostgreSQL: a throwaway server from Debian's binaries (initdb, pg_ctl) in a
# temporary folder. Install them when missing (needs root, as in CI); the service itself is not used.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || [ -n "${PG_BIN:-}" ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL is missing: run 'apt-get install -y postgresql' as root (or set PG_BIN), then npm test again." >&2
  exit 1
fi
echo "Installing PostgreSQL for the API suites on PostgreSQL (apt-get)…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
# Debian starts a cluster on port 5432 on install; the tests start their own, so stop it.
if command -v pg_ctlcluster >/dev/null; then
  for c in $(pg_lsclusters -h 2>/dev/null | awk '{ print $1 "/" $2 }'); do pg_ctlcluster "${c%/*}" "${c#*/}" stop || true; done
fi
