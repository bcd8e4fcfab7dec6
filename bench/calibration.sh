#!/usr/bin/env bash
# Runs the simulated engine (./ember simulate) for every row of shared/reference/perf-calibration.md and prints
# target, simulated and error per row. Exits 1 when a row is off by more than the tolerance (default 15%).
# Usage: bench/calibration.sh [TOLERANCE_PERCENT]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOLERANCE="${1:-15}"
# Llama 3.1 8B Instruct, FP8, 1 x H100 80GB: the hardware and model of every calibration row.
COMMON=(--model llama-v3p1-8b-instruct --accelerator-type NVIDIA_H100_80GB --accelerator-count 1 --precision FP8)

# name | concurrency (0 = offline) | input | output | targets: TTFT ms, ITL ms, output tok/s ("-" = not published)
ROWS=(
  "online 1 concurrent|1|1000|1000|10|4.6|215"
  "online 50 concurrent|50|1000|1000|67|5.9|8018"
  "online 200 concurrent|200|1000|1000|465|12.7|13348"
  "offline 128/128|0|128|128|-|-|28312"
  "offline 1000/1000|0|1000|1000|-|-|15220"
)

# Reads one number from simulate's JSON line, e.g. field ttftMsP50.
field() {
  sed -E "s/.*\"$2\": *([0-9.eE+-]+).*/\1/" <<<"$1"
}

printf '%-22s %-14s %10s %10s %8s\n' row metric target simulated error
worst=0
failed=0
for row in "${ROWS[@]}"; do
  IFS='|' read -r name concurrency input output ttft itl tps <<<"$row"
  json="$("$REPO/ember" simulate "${COMMON[@]}" --concurrency "$concurrency" --input-tokens "$input" \
    --output-tokens "$output" -o json)"
  for metric in "TTFT p50 ms|ttftMsP50|$ttft" "ITL p50 ms|itlMsP50|$itl" "output tok/s|outputTokensPerSecond|$tps"; do
    IFS='|' read -r label key target <<<"$metric"
    [[ "$target" == "-" ]] && continue
    simulated="$(field "$json" "$key")"
    read -r error abs < <(awk -v s="$simulated" -v t="$target" \
      'BEGIN { e = (s - t) / t * 100; printf "%+.1f %.1f\n", e, (e < 0 ? -e : e) }')
    flag=""
    if awk -v a="$abs" -v t="$TOLERANCE" 'BEGIN { exit !(a > t) }'; then
      flag="  > ${TOLERANCE}%"
      failed=1
    fi
    worst="$(awk -v a="$abs" -v w="$worst" 'BEGIN { print (a > w ? a : w) }')"
    printf '%-22s %-14s %10s %10s %7s%%%s\n' "$name" "$label" "$target" "$simulated" "$error" "$flag"
  done
done
echo "worst error: ${worst}% (tolerance ${TOLERANCE}%)"
exit "$failed"
