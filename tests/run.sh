#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds with the `dev` preset
# (warnings as errors), then runs every test. Tests that need PostgreSQL share a throwaway cluster that
# the `pg_cluster` CTest fixture starts and stops itself; tests that need the sandbox start it themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/install-deps.sh
preset=${GSA_PRESET:-dev}
cmake --preset "$preset"
cmake --build --preset "$preset"
# The fixture stops the cluster after the last test; this stops it too if ctest itself is interrupted.
pgdir=$(sed -n 's/^GSA_TEST_PG_DIR:PATH=//p' "build/$preset/CMakeCache.txt")
trap 'tests/support/pg-test-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
ctest --preset "$preset" -j "${GSA_TEST_JOBS:-2}" --timeout 600
