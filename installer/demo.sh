#!/usr/bin/env bash
# The main job on the embedded default, for a fresh Debian 12 machine: installs what is missing, builds
# (release; the two programs only), then runs `gmail-sync demo` — a private PostgreSQL cluster, the bundled Gmail API sandbox with
# a generated mailbox, and a real initial sync into the database, printing what it synced.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target gmail-sync gmail-sandbox
exec build/release/bin/gmail-sync demo "$@"
