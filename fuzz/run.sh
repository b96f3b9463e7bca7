#!/usr/bin/env bash
# Runs each fuzz target for a fixed time (default 600 s) on a copy of its seed corpus.
# Usage: fuzz/run.sh [seconds] (after cmake --preset fuzz && cmake --build --preset fuzz)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../build/fuzz/bin"
seconds="${1:-600}"
for target in html_sanitizer; do
  work="$(mktemp -d)"
  cp -r "$here/corpus/$target/." "$work/"
  echo "== fuzz_$target for ${seconds}s"
  QT_QPA_PLATFORM=offscreen LSAN_OPTIONS="suppressions=$here/lsan.supp" "$bin/fuzz_$target" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 "$work"
  rm -rf "$work"
done
