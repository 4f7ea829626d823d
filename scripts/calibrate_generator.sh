#!/usr/bin/env bash
# The generator's calibration protocol (CALIBRATION.md §4.3): for each seed, generate USERS users,
# compare the real slice's 32 statistics through the same filter (users with >= 9 prior orders, the
# first 593) and check the all-user marginals against the published full-data numbers.
#
#   scripts/calibrate_generator.sh CALIBRATE_PY [SEED...]      (default seeds 1 2 3)
#
# CALIBRATE_PY is calibrate.py of the calibration kit; real.json is read from beside it (or REAL).
# Env: RESTOCK (default .build/release/restock), USERS (20000), PY (/tmp/venv/bin/python),
# WORK (default a new temporary directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
calibrate=${1:?usage: calibrate_generator.sh CALIBRATE_PY [SEED...]}
shift
if [[ $# -gt 0 ]]; then seeds=("$@"); else seeds=(1 2 3); fi
RESTOCK=${RESTOCK:-$here/../.build/release/restock}
USERS=${USERS:-20000}
PY=${PY:-/tmp/venv/bin/python}
REAL=${REAL:-$(dirname "$calibrate")/real.json}
WORK=${WORK:-$(mktemp -d /tmp/generator-calibration.XXXXXX)}
for seed in "${seeds[@]}"; do
    out="$WORK/seed$seed"
    "$RESTOCK" generate --users "$USERS" --seed "$seed" --out "$out" 2>/dev/null
    "$PY" "$calibrate" "$out" --min-prior-orders 9 --max-users 593 --json "$out.json" >/dev/null
    echo "== seed $seed: slice statistics"
    "$PY" "$calibrate" --compare "$REAL" "$out.json" | tee "$out.compare.txt" | grep -E "FAIL|within tolerance"
    echo "== seed $seed: full-population check"
    "$PY" "$calibrate" "$out" --full-check | tee "$out.full.txt" | grep -E "FAIL" || echo "all PASS"
done
echo "details in $WORK"
