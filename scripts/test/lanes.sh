#!/usr/bin/env bash
# The whole suite in two lanes at once: most of a test's time is spent waiting on a chain, a browser or
# a database, so two lanes fit two cores and the suite takes about half as long. Lane 1 runs everything
# but the API and fault suites and prints as it goes; lane 2 runs the API suites on SQLite, then on
# PostgreSQL, then the fault suites, and prints its whole output when it ends. Exits non-zero when
# either lane failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

# Compile once before the lanes, so that they do not both compile into the same folder.
npx hardhat compile --quiet || exit 1

mapfile -t api_suites < <(find test/api -name "*.test.ts" | sort)
mapfile -t fault_suites < <(find test/faults -name "*.test.ts" | sort)
mapfile -t other_suites < <(find test -name "*.test.ts" -not -path "test/api/*" -not -path "test/faults/*" | sort)
lane2_log="$(mktemp)"
trap 'rm -f "$lane2_log"' EXIT

(
  status=0
  npx hardhat test "${api_suites[@]}" || status=1
  VECHE_TEST_DB=postgres npx hardhat test "${api_suites[@]}" || status=1
  npx hardhat test "${fault_suites[@]}" || status=1
  exit "$status"
) >"$lane2_log" 2>&1 &
lane2=$!

npx hardhat test "${other_suites[@]}"
status1=$?
wait "$lane2"
status2=$?

echo
echo "── API suites on SQLite, then on PostgreSQL; fault suites ──"
cat "$lane2_log"
[ "$status1" = "0" ] && [ "$status2" = "0" ]
