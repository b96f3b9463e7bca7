#!/usr/bin/env bash
# Makes the PNG screenshots in docs/screenshots from the real application window on a virtual X display
# (xvfb-run), with demo data seeded through the core repositories into a throwaway PostgreSQL cluster.
#   tests/gui/screenshots.sh [BUILD_DIR] [OUT_DIR]     (defaults: build/dev, docs/screenshots)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/dev}
out=${2:-$root/docs/screenshots}
app="$build/bin/gmail-sync-admin"
[ -x "$app" ] || { echo "build gmail-sync-admin first: cmake --build $build --target gmail-sync-admin" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }

cluster=$(mktemp -d /tmp/gsa-shots.XXXXXX)
cleanup() { "$root/tests/support/pg-test-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$cluster"; }
trap cleanup EXIT
"$root/tests/support/pg-test-cluster.sh" start "$cluster" >/dev/null
socket="$cluster/socket"
mkdir -p "$out"
# Settings of this run stay out of the user's own configuration.
export XDG_CONFIG_HOME="$cluster/config" XDG_RUNTIME_DIR="$cluster/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

shoot() { # language, database, output directory
  psql -q -h "$socket" -U postgres -d postgres -c "CREATE DATABASE $2"
  xvfb-run -a --server-args="-screen 0 1366x900x24" \
    "$app" --language "$1" --database "postgresql://postgres@/$2?host=$socket" --seed-demo-data --screenshots "$3"
}
shoot en shots_en "$out"
tmp_de="$cluster/de"
shoot de shots_de "$tmp_de"
cp "$tmp_de/main-window.png" "$out/main-window-de.png"
cp "$tmp_de/historical-sync-dialog.png" "$out/historical-sync-dialog-de.png"
ls -l "$out"
