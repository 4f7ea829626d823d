#!/usr/bin/env bash
# Generator benchmark: `restock generate` at full Instacart scale (206,209 users, ~3.4M orders, ~32M
# prior rows) under /usr/bin/time -v (wall, CPU, peak RSS); then, when PROTO points to the Python
# reference proto_generator.py, both generators side by side at PEER_USERS users (one run each).
#
#   scripts/bench/generate.sh [WORK_DIR]
#
# Env: RESTOCK (default .build/release/restock), USERS (206209), SEED (1), THREADS (2),
# PROTO (proto_generator.py; the peer is skipped when unset), PEER_USERS (3000), PY (/tmp/venv/bin/python).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d /tmp/generate-bench.XXXXXX)}
RESTOCK=${RESTOCK:-$here/../../.build/release/restock}
USERS=${USERS:-206209}
SEED=${SEED:-1}
THREADS=${THREADS:-2}
PEER_USERS=${PEER_USERS:-3000}
PY=${PY:-/tmp/venv/bin/python}
mkdir -p "$work"
echo "work: $work   load: $(cut -d' ' -f1-3 /proc/loadavg)"

run() {  # name, users, command...
    local name=$1 users=$2; shift 2
    /usr/bin/time -v "$@" >"$work/$name.log" 2>&1 || { echo "$name failed: see $work/$name.log"; return 1; }
    local wall cpu rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.log")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/$name.log")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.log")
    printf '%-22s %7s users  wall %8s  cpu %7s s  peak RSS %6.0f MB  users/cpu-s %8.0f\n' "$name" "$users" \
        "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)" "$(echo "$users / $cpu" | bc -l)"
}

run "restock full scale" "$USERS" "$RESTOCK" generate --users "$USERS" --seed "$SEED" --threads "$THREADS" \
    --out "$work/restock-full"
du -sh "$work/restock-full"
if [[ -n "${PROTO:-}" ]]; then
    run "restock" "$PEER_USERS" "$RESTOCK" generate --users "$PEER_USERS" --seed "$SEED" --threads 1 \
        --out "$work/restock-small"
    run "proto_generator.py" "$PEER_USERS" "$PY" "$PROTO" "$work/proto-small" --users "$PEER_USERS" --seed "$SEED"
fi
