#!/usr/bin/env bash
# Runs lumos's benchmarks and prints each as a ratio to a baseline measured
# in the same run:
#   1. BenchmarkDispatchListAccounts: one page of 1,000 accounts through the
#      whole pipeline vs json.Marshal of the same accounts (goal <= 1.5x);
#   2. BenchmarkErrorVersusSuccess: a handled bad_request vs the success of
#      the same call (goal <= 1x);
#   3. start-up: mock-connector validate_credentials as a process vs a
#      hello-world Go binary (goal <= 2x, medians of >= 20 runs).
# Usage: scripts/bench.sh [count] [startup-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
runs=${2:-30}

out=$(go test ./mock/ -run '^$' -bench 'BenchmarkDispatchListAccounts' -benchmem -count "$count" -benchtime 1s)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '
  /^BenchmarkDispatchListAccounts\/pipeline/     { p[np++] = $3 }
  /^BenchmarkDispatchListAccounts\/json.Marshal/ { m[nm++] = $3 }
  function median(a, n,   i, j, t) {
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[int(n/2)] : (a[n/2-1] + a[n/2]) / 2
  }
  END {
    mp = median(p, np); mm = median(m, nm)
    printf "dispatch list_accounts (1,000 accounts): median %.0f ns/op vs json.Marshal %.0f ns/op: %.2fx (goal <= 1.5x)\n", mp, mm, mp / mm
  }'
echo
out=$(go test ./toolkit/ -run '^$' -bench 'BenchmarkErrorVersusSuccess' -benchmem -count "$count" -benchtime 1s)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '
  /^BenchmarkErrorVersusSuccess\/success/     { s[ns++] = $3 }
  /^BenchmarkErrorVersusSuccess\/bad_request/ { e[ne++] = $3 }
  function median(a, n,   i, j, t) {
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[int(n/2)] : (a[n/2-1] + a[n/2]) / 2
  }
  END {
    ms = median(s, ns); me = median(e, ne)
    printf "handled bad_request vs success of the same call: median %.0f ns/op vs %.0f ns/op: %.2fx (goal <= 1x)\n", me, ms, me / ms
  }'
echo
go run ./scripts/startbench -n "$runs"
