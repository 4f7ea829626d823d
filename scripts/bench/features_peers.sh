#!/usr/bin/env bash
# Feature-matrix benchmark, peers side by side (one run each): restock features (release build),
# the pandas peer and the DuckDB peer on one data folder; then compares every matrix with the
# pandas one. Prints wall seconds and peak RSS (from /usr/bin/time -v) per peer, and each one's JSON
# line (the peers' own; restock's `--json` summary object, docs/json.md, with its seconds per step).
#
#   scripts/bench/features_peers.sh DATA_DIR [WORK_DIR]
#
# Env: PY (default /tmp/venv/bin/python), RESTOCK (default .build/release/restock; skipped when
# missing), THREADS (default 2). WORK_DIR (default a new temporary directory) receives the matrices
# (~4 × 1.7 GB at full Instacart scale) and the logs.
set -euo pipefail
data=${1:?usage: features_peers.sh DATA_DIR [WORK_DIR]}
work=${2:-$(mktemp -d /tmp/features-peers.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
PY=${PY:-/tmp/venv/bin/python}
RESTOCK=${RESTOCK:-$here/../../.build/release/restock}
THREADS=${THREADS:-2}
mkdir -p "$work"
echo "data: $data   work: $work   load: $(cut -d' ' -f1-3 /proc/loadavg)"

run() {  # name, command...
    local name=$1; shift
    /usr/bin/time -v "$@" >"$work/$name.log" 2>&1 || { echo "$name failed: see $work/$name.log"; return 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.log")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.log")
    printf '%-8s wall %9s  peak RSS %7.0f MB\n' "$name" "$wall" "$(echo "$rss / 1024" | bc -l)"
    # the JSON lines, restock's without its dataset lists (inputs, outputs) and run_id
    grep -h '^{' "$work/$name.log" | "$PY" -c 'import json, sys
for line in sys.stdin:
    print(json.dumps({k: v for k, v in json.loads(line).items() if k not in ("inputs", "outputs", "run_id")}))' || true
}

[ -x "$RESTOCK" ] && run swift "$RESTOCK" features --data "$data" --out "$work/swift.bin" --threads "$THREADS" --json
run pandas "$PY" "$here/features_pandas.py" "$data" --out "$work/pandas.npy"
run duckdb "$PY" "$here/features_duckdb.py" "$data" --out "$work/duckdb.npy" --threads "$THREADS"

status=0
for f in "$work/duckdb.npy" "$work/swift.bin"; do
    [ -e "$f" ] || continue
    echo "--- compare pandas vs $(basename "$f") (columns that agree exactly are not shown)"
    report="$work/compare-$(basename "$f").txt"
    "$PY" "$here/compare_matrix.py" "$work/pandas.npy" "$f" >"$report" 2>&1 || status=1
    grep -Ev '^\S+ +0 +0 +0 +0$' "$report" || true
done
exit $status
