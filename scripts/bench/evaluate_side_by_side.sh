#!/usr/bin/env bash
# Cross-validation side by side (issue 5): `restock evaluate` (its forest) against scikit-learn's
# RandomForestRegressor (evaluate_sklearn.py) on the same binary matrix, the same folds
# (user_id % k over the labelled rows), the same hyperparameters and the same metric definitions.
#
#   scripts/bench/evaluate_side_by_side.sh DATA_DIR [--trees 100] [--folds 5] [--threads 2] [--work DIR]
#
# Steps: restock features --data DATA_DIR --out WORK/matrix.bin; restock evaluate --matrix
# WORK/matrix.bin --json; evaluate_sklearn.py WORK/matrix.bin --json --with-naive; then one table
# with every metric for the Restock forest and the scikit-learn forest, and the seconds.
# The raw JSON lines are kept in WORK/restock.json (restock's JSON summary object, docs/json.md:
# counts under "rows", scores under "metrics", seconds under "seconds", the folds in "summary") and
# WORK/sklearn.json (evaluate_sklearn.py's own flat layout), the logs (per-fold seconds,
# /usr/bin/time -v) in WORK/restock.log and WORK/sklearn.log.
#
# Both runs also score Restock's naive baseline (up_rate, NaN -> 0) — the same predictions on both
# sides — so the "naive check" line shows whether the two metric implementations agree
# (expected: identical to the last bit or within ~1e-15).
#
# Env: PY (default /tmp/venv/bin/python), RESTOCK (default <repo>/.build/release/restock).
set -euo pipefail
usage="usage: evaluate_side_by_side.sh DATA_DIR [--trees 100] [--folds 5] [--threads 2] [--work DIR]"
data=${1:?$usage}; shift
trees=100; folds=5; threads=2; work=""
while [ $# -gt 0 ]; do
    case $1 in
        --trees) trees=$2; shift 2 ;;
        --folds) folds=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
PY=${PY:-/tmp/venv/bin/python}
RESTOCK=${RESTOCK:-$here/../../.build/release/restock}
work=${work:-$(mktemp -d /tmp/evaluate-sbs.XXXXXX)}
mkdir -p "$work"
[ -x "$RESTOCK" ] || { echo "error: no restock binary at $RESTOCK (set RESTOCK)" >&2; exit 1; }

echo "data: $data   work: $work   trees $trees, folds $folds, threads $threads"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$RESTOCK" features --data "$data" --out "$work/matrix.bin" --threads "$threads" --json >"$work/features.json" \
    2>"$work/features.log" || { echo "restock features failed: $work/features.log"; exit 1; }

echo "restock evaluate ...   (load $(cut -d' ' -f1-3 /proc/loadavg))"
# min leaf 5 as the peer's (Restock's default is automatic, docs/forest.md); --preset scikit-learn also drops leaf smoothing
/usr/bin/time -v "$RESTOCK" evaluate --matrix "$work/matrix.bin" --json --trees "$trees" --folds "$folds" --min-samples-leaf 5 \
    --threads "$threads" >"$work/restock.json" 2>"$work/restock.log" || { echo "restock failed: $work/restock.log"; exit 1; }
echo "sklearn ...            (load $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -v "$PY" "$here/evaluate_sklearn.py" "$work/matrix.bin" --json --with-naive --trees "$trees" \
    --folds "$folds" --threads "$threads" >"$work/sklearn.json" 2>"$work/sklearn.log" || { echo "sklearn failed: $work/sklearn.log"; exit 1; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "restock JSON: $(cat "$work/restock.json")"
echo "sklearn JSON: $(cat "$work/sklearn.json")"
echo

"$PY" - "$work" <<'EOF'
import json, math, re, sys
work = sys.argv[1]
r = json.load(open(f"{work}/restock.json"))
s = json.load(open(f"{work}/sklearn.json"))
rlog, slog = open(f"{work}/restock.log").read(), open(f"{work}/sklearn.log").read()

def num(v):
    return float(v) if not isinstance(v, str) else float(v.replace("inf", "Infinity") if v != "nan" else "nan")

def timev(log, key):
    m = re.search(re.escape(key) + r": (.*)", log)
    return m.group(1).strip() if m else "?"

def wall(log):
    t = timev(log, "Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(x) for x in t.split(":")] if t != "?" else []
    return sum(x * 60 ** i for i, x in enumerate(reversed(parts))) if parts else math.nan

# restock's JSON summary (docs/json.md): counts under "rows", the folds only in the one-line summary
# ("cross-validated R rows of U users in F folds: ..."), scores per model under "metrics"
if r.get("status") != "ok":
    sys.exit(f"restock evaluate did not finish: {r.get('error')}")
folds = re.search(r" in (\d+) folds", r["summary"])
counts = dict(r["rows"], folds=int(folds.group(1)) if folds else None)
for key in ("rows", "users", "features", "folds"):
    if counts[key] != s[key]:
        print(f"WARNING: {key} differs: restock {counts[key]}, sklearn {s[key]}")
print(f"rows {counts['rows']}, users {counts['users']}, features {counts['features']}, folds {counts['folds']}")
rows = [("pair R2", "pair", "r2"), ("pair MAE", "pair", "mae"), ("pair AUC", "pair", "auc"),
        ("pair logloss", "pair", "logloss"), ("pair F1@0.2", "pair", "f1_at_0_2"),
        ("pair F1 expected", "pair", "f1_expected"), ("demand R2", "demand", "r2"),
        ("demand MAE", "demand", "mae"), ("demand products", "demand", "products")]
rf, sk = r["metrics"]["forest"], s["models"]["sklearn_rf"]
print(f"{'metric':<18} {'restock forest':>15} {'sklearn RF':>15} {'sklearn - restock':>18}")
for label, level, key in rows:
    a, b = num(rf[level][key]), num(sk[level][key])
    fmt = (lambda v: f"{v:15.0f}") if key == "products" else (lambda v: f"{v:15.4f}")
    print(f"{label:<18} {fmt(a)} {fmt(b)} {b - a:+18.4f}")

fold_fit = [float(x) for x in re.findall(r"forest fold \d+/\d+: \d+ trees on \d+ rows in ([0-9.]+) s", rlog)]
sk_fit = [float(x) for x in re.findall(r"sklearn fold \d+/\d+: .* in ([0-9.]+) s, predicted", slog)]
sk_pred = [float(x) for x in re.findall(r"predicted \d+ rows in ([0-9.]+) s", slog)]
print(f"{'forest fit s (sum)':<18} {sum(fold_fit):15.1f} {sum(sk_fit):15.1f} {'x%.1f' % (sum(sk_fit) / sum(fold_fit)) if fold_fit and sum(fold_fit) else '':>18}")
print(f"{'predict s (sum)':<18} {'(not logged)':>15} {sum(sk_pred):15.1f}")
print(f"{'total s (own)':<18} {r['seconds']['evaluate']:15.1f} {s['seconds']:15.1f}   restock's total includes ridge + naive CV")
print(f"{'wall s (time -v)':<18} {wall(rlog):15.1f} {wall(slog):15.1f}")
print(f"{'user+sys s':<18} {float(timev(rlog, 'User time (seconds)')) + float(timev(rlog, 'System time (seconds)')):15.1f} "
      f"{float(timev(slog, 'User time (seconds)')) + float(timev(slog, 'System time (seconds)')):15.1f}")
print(f"{'peak RSS MB':<18} {int(timev(rlog, 'Maximum resident set size (kbytes)')) / 1024:15.0f} "
      f"{int(timev(slog, 'Maximum resident set size (kbytes)')) / 1024:15.0f}")

# The naive baseline: identical predictions on both sides, so identical metrics expected.
rn, sn = r["metrics"]["naive"], s["models"]["naive"]
worst, exact = 0.0, 0
for _, level, key in rows:
    a, b = num(rn[level][key]), num(sn[level][key])
    worst = max(worst, abs(a - b) / max(1.0, abs(a)))
    exact += a == b
print(f"naive check (same up_rate predictions scored by both metric codes): {exact}/{len(rows)} values identical, "
      f"largest relative difference {worst:.2e}")
sys.exit(0 if worst < 1e-9 else 1)
EOF
