#!/usr/bin/env bash
# Side by side: the acknowledgement path of another revision against this working tree, run
# alternately (base, this, base, this, ...) so that whatever else the machine does falls on both.
# Prints each run's rate and CPU per request (router, redis-server) and the medians; the CPU per
# request is what to compare, the rate moves with the machine.
#
#   bench/ab.sh <revision> [rounds, default 4: even, so each build runs first as often as second] [extra `bench/run.ts` flags, e.g. --seconds 10]
#   AB_ENV="EGRESS_LINGER_MS=5" bench/ab.sh HEAD 4     # this tree under other settings instead
#
# The revision is checked out once into a worktree under ${TMPDIR:-/tmp} with its own npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
revision=${1:?usage: bench/ab.sh <revision> [rounds] [bench flags]}
rounds=${2:-4}
shift $(( $# >= 2 ? 2 : 1 ))
extra=("$@")
commit=$(git rev-parse --verify "$revision^{commit}")
base="${TMPDIR:-/tmp}/dccrouter-ab-${commit:0:12}"
if [ ! -d "$base/node_modules" ]; then
  git worktree add --force --detach "$base" "$commit" >/dev/null
  (cd "$base" && npm ci --no-audit --no-fund >/dev/null 2>&1) || { echo "npm ci failed in $base" >&2; exit 1; }
fi
out="${TMPDIR:-/tmp}/dccrouter-ab-runs-$$"
mkdir -p "$out"

# One run of the full router on the ack scenario (no stage variants): "rate router redis batch" per
# request, batch being the signatures per verify hand-off ("-" where the revision does not count it).
run() {
  local dir=$1 label=$2 round=$3 env=$4
  (cd "$dir" && env $env node_modules/.bin/bun bench/run.ts --scenario ack --stages none --repeats 1 --out "$out/$label-$round" "${extra[@]}" >"$out/$label-$round.log" 2>&1) \
    || { echo "$label run $round failed: $out/$label-$round.log" >&2; exit 1; }
  node -e '
    const d = require(process.argv[1]).scenarios.ack.data;
    const router = d.variants.find((v) => v.id === "router");
    const cpu = router.cpuMicrosecondsPerRequest;
    console.log([...[router.medianPerSecond, cpu.target, cpu.redis].map((n) => Math.round(n)), router.signaturesPerHandoff ?? "-"].join(" "));
  ' "$out/$label-$round/latest.json"
}

declare -a base_runs this_runs
this_env=${AB_ENV:-}
for round in $(seq 1 "$rounds"); do
  # The second run of a pair measured 5-8% more CPU per request than the first, whichever build
  # it was (2026-12-07: a8981ca and ab444d1 each ran second in three pairs): the order alternates
  # (base first in odd rounds, this first in even ones), so an even count of rounds cancels it.
  if (( round % 2 )); then
    b=$(run "$base" base "$round" ""); t=$(run "$PWD" this "$round" "$this_env"); first=base
  else
    t=$(run "$PWD" this "$round" "$this_env"); b=$(run "$base" base "$round" ""); first=this
  fi
  base_runs+=("$b"); this_runs+=("$t")
  read -r br bt bs bb <<<"$b"; read -r tr tt ts tb <<<"$t"
  printf 'round %d (%s first)  base %6d/s  %4d + %3d = %4d µs (%s sig/hand-off)   this %6d/s  %4d + %3d = %4d µs (%s sig/hand-off)\n' "$round" "$first" "$br" "$bt" "$bs" $((bt + bs)) "$bb" "$tr" "$tt" "$ts" $((tt + ts)) "$tb"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
total() { for r in "$@"; do read -r _ a b _ <<<"$r"; echo $((a + b)); done; }
echo "median router + redis-server CPU per request: base $(total "${base_runs[@]}" | median) µs, this $(total "${this_runs[@]}" | median) µs (runs in $out)"
