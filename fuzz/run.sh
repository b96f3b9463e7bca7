#!/usr/bin/env bash
# Runs each fuzz target for a fixed time (default 600 s) on a copy of its seed corpus, then prints a
# summary per target: seconds, executions, exec/s, coverage (cov/ft), corpus size, findings.
# Usage: fuzz/run.sh [seconds] [target…]   (after cmake --preset fuzz && cmake --build --preset fuzz)
#   targets: html_sanitizer mime_parser batch_codec jwt push_envelope (default: all, one after another)
#   FUZZ_OUT=dir keeps the logs, the grown corpora and any crash/leak/timeout artifacts there
#   (default: a temporary directory, removed unless something was found).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../build/fuzz/bin"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(html_sanitizer mime_parser batch_codec jwt push_envelope)
out="${FUZZ_OUT:-$(mktemp -d)}"
mkdir -p "$out"

max_len() {
  case "$1" in
    mime_parser|batch_codec) echo 65536 ;;
    jwt|push_envelope) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

status=0
summary=()
for target in "${targets[@]}"; do
  exe="$bin/fuzz_$target"
  [ -x "$exe" ] || { echo "no $exe: build it with cmake --build --preset fuzz --target fuzz_$target" >&2; exit 2; }
  corpus="$out/corpus-$target"
  artifacts="$out/artifacts-$target/"
  mkdir -p "$corpus" "$artifacts"
  cp -r "$here/corpus/$target/." "$corpus/"
  log="$out/$target.log"
  echo "== fuzz_$target for ${seconds}s (log: $log)"
  rc=0
  QT_QPA_PLATFORM=offscreen LSAN_OPTIONS="suppressions=$here/lsan.supp" \
    "$exe" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1 || rc=$?
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::)' "$log" || tail -n 30 "$log"
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  cov="$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1 ft \2, corpus \3 (libFuzzer)/p' <<<"$last")"
  files="$(find "$corpus" -type f | wc -l)"
  found="$(find "$artifacts" -type f | wc -l)"
  [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] || status=1
  summary+=("fuzz_$target: ${seconds}s, ${execs:-?} execs, ${rate:-?} exec/s, ${cov:-cov ?}, $files files kept, findings $found (exit $rc)")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "$status" -ne 0 ]; then
  echo "findings, logs and corpora kept in $out"
elif [ -z "${FUZZ_OUT:-}" ]; then
  rm -rf "$out"
fi
exit "$status"
