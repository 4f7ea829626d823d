#!/usr/bin/env python3
"""scikit-learn peer of `restock evaluate`: the same grouped cross-validation and the same metrics.

    evaluate_sklearn.py MATRIX [--folds 5] [--trees 100] [--max-features 1/3] [--min-samples-leaf 5]
                        [--max-depth 0] [--sample-fraction 1.0] [--seed 0] [--threads 2]
                        [--with-naive] [--json]
    evaluate_sklearn.py --self-test [--restock PATH/TO/restock]

MATRIX is the RSTKMAT1 binary matrix of `restock features --data DIR --out FILE.bin` (read with
compare_matrix.read_rstkmat; file row order is kept). As in CrossValidatedComparison.swift:

- rows: the labelled rows (target not NaN), in file order; groups = user_id, items = product_id;
- folds: row r is in fold user_id % k (GroupedKFold.swift); for each fold a model is trained on the
  other folds and predicts the held-out fold, so every labelled row gets one out-of-fold prediction;
- model: sklearn.ensemble.RandomForestRegressor(n_estimators=trees, criterion="squared_error",
  max_features=mtry, min_samples_leaf, max_depth (None for 0), bootstrap=True, max_samples
  (None for a fraction of 1), n_jobs=threads, random_state=seed). mtry is resolved to a count with
  Restock's rule (ForestParameters.resolvedMaxFeatures): the value itself when > 1, else
  max(1, floor(fraction * features + 1e-9)), so 1/3 of 30 features is 10 in both. NaN features are
  passed as they are: scikit-learn >= 1.4 splits on missing values natively (checked at start-up).
  Restock bins each feature into <= 255 value bins (+1 for missing); scikit-learn splits on exact
  thresholds; neither the trees nor the random streams are the same, only the hyperparameters.
- metrics (Scores.swift, Metrics*.swift, BasketF1.swift, ExpectedF1Basket.swift,
  DemandAggregation.swift), with p the raw out-of-fold prediction and c = clip(p, 0, 1):
    pair R2 = 1 - SS_res/SS_tot on p (constant y: 1 if exact, else 0); MAE on p;
    AUC by the Mann-Whitney rank sum with average ranks for ties, on p (NaN with one class);
    log loss on c, further clipped to [1e-15, 1 - 1e-15];
    F1@0.2: per user, predicted = {c >= 0.2}, or {None} when empty; truth = {y > 0.5}, or {None}
      when empty; F1 = 2|P n T| / (|P| + |T|); mean over users;
    F1 expected: per user, the basket maximising expected F1 under independence (Ye et al. 2012
      top-k dynamic programme with the None item, ported line by line, tie-breaks included), scored
      with the same F1; mean over users;
    demand, per product over the labelled rows: predicted = sum c, observed = sum y; R2, MAE over
      products (ascending id); products = products with at least one labelled row.
  Every sum runs sequentially in the same order as the Swift code (np.cumsum, np.bincount), so on
  the same predictions the numbers agree to the last bit or nearly (the logarithm may differ by an ulp).

Output: the table of EvaluationSummary.table() or, with --json, one flat line (sorted keys):
{"features","folds","models":{"sklearn_rf":{"demand":{...},"pair":{...}}},"rows","seconds","users"}.
(`restock evaluate --json` prints a job summary object instead, docs/json.md: the counts under
"rows":{"rows","users","features"}, the same per-model scores under "metrics", the seconds under
"seconds":{"evaluate","total"}; evaluate_side_by_side.sh reads both.) --with-naive adds the model
"naive" = up_rate with NaN -> 0, Restock's naive baseline, whose scores must then equal `restock
evaluate`'s "naive" scores: that checks the metric code end to end on real data. Per-fold fit/predict seconds go to stderr.
--self-test checks the metrics on hand cases and the expected-F1 basket against brute force; with
--restock BINARY it also has `restock evaluate` score a tiny hand-made CSV matrix (its naive model =
the fixed predictions in up_rate) and compares Restock's 9 numbers with this script's.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_matrix import read_rstkmat  # noqa: E402

EPSILON = 1e-15
THRESHOLD = 0.2


# ---------------------------------------------------------------------------------------------------
# Metrics (sequential sums, as the Swift loops)

def seqsum(x: np.ndarray) -> float:
    """Σx accumulated left to right from 0.0, as a Swift `for` loop does (np.sum is pairwise)."""
    return float(np.cumsum(x, dtype=np.float64)[-1]) if len(x) else 0.0


def r_squared(y: np.ndarray, p: np.ndarray) -> float:
    """Metrics.rSquared: 1 − Σ(y − ŷ)² / Σ(y − ȳ)²; constant y: 1 if exact else 0; NaN if empty."""
    if len(y) == 0:
        return math.nan
    mean = seqsum(y) / len(y)
    e, d = y - p, y - mean
    residual, total = seqsum(e * e), seqsum(d * d)
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return 1 - residual / total


def mean_absolute_error(y: np.ndarray, p: np.ndarray) -> float:
    return seqsum(np.abs(y - p)) / len(y) if len(y) else math.nan


def area_under_roc(y: np.ndarray, s: np.ndarray) -> float:
    """Metrics.areaUnderROC: (Σ ranks of positives − n₊(n₊+1)/2) / (n₊ n₋), average ranks for ties."""
    order = np.argsort(s, kind="stable")
    sorted_s = s[order]
    n = len(s)
    # tie runs [i, j]: average rank (i + j)/2 + 1
    starts = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1]]) if n else np.array([], dtype=int)
    ends = np.r_[starts[1:], n] - 1
    run_rank = (starts + ends).astype(np.float64) / 2 + 1
    ranks = np.repeat(run_rank, ends - starts + 1)
    positive = y[order] > 0.5
    positives = float(positive.sum())
    rank_sum = seqsum(ranks[positive])          # half-integers: exact in any order
    negatives = n - positives
    if positives == 0 or negatives == 0:
        return math.nan
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def log_loss(y: np.ndarray, p: np.ndarray, epsilon: float = EPSILON) -> float:
    """Metrics.logLoss: −Σ[y ln p + (1 − y) ln(1 − p)] / n, p clipped to [ε, 1 − ε]."""
    if len(y) == 0:
        return math.nan
    q = np.minimum(np.maximum(p, epsilon), 1 - epsilon)
    terms = y * np.log(q) + (1 - y) * np.log(1 - q)
    return seqsum(-terms) / len(y)


def expected_f1_basket(probabilities: np.ndarray) -> tuple[np.ndarray, bool, float]:
    """ExpectedF1Basket.choose, ported operation by operation (same sort, same DP, same tie-breaks).

    Under independence the optimal set is the top-k by probability (Ye et al. 2012). With
    Pₖ(a) = P(a positives among the top k) built forward and gₖ(m) = E[1/(m + Rₖ)] (Rₖ the positives
    outside the top k) built backward, E[F1 | top-k, None = c] = Σₐ Pₖ(a)·2a·gₖ(k + c + a)
    + c·P(no positive)·2/(k + 2). Returns (chosen indices most probable first, includes None, E[F1]).
    Cost O(n²) time and memory.
    """
    n = len(probabilities)
    order = np.argsort(-np.asarray(probabilities, dtype=np.float64), kind="stable")  # p desc, index asc
    p = np.minimum(np.maximum(np.asarray(probabilities, dtype=np.float64)[order], 0.0), 1.0)
    tp = np.zeros((n + 1, n + 1))
    tp[0, 0] = 1.0
    for k in range(1, n + 1):
        q = p[k - 1]
        stay = tp[k - 1, : k + 1] * (1 - q)
        gain = np.r_[0.0, tp[k - 1, :k] * q]
        tp[k, : k + 1] = stay + gain
    no_positive = tp[n, 0]
    g = np.zeros(2 * n + 4)
    g[1:] = 1 / np.arange(1, 2 * n + 4, dtype=np.float64)
    G = np.empty((n + 1, 2 * n + 4))                # G[k] = g as seen at step k of the backward loop
    for k in range(n, -1, -1):
        G[k] = g
        if k > 0:
            q = p[k - 1]
            g[1:-1] = (1 - q) * g[1:-1] + q * g[2:]
    a = np.arange(n + 1, dtype=np.float64)
    ks = np.arange(n + 1)
    idx = ks[:, None] + np.arange(n + 1)[None, :]   # k + a ≤ 2n; k + 1 + a ≤ 2n + 1
    weight = tp * 2 * a[None, :]                    # (w * 2) * a, as the Swift expression
    without_none = np.cumsum(weight * np.take_along_axis(G, idx, axis=1), axis=1)[:, -1]
    with_none = np.cumsum(weight * np.take_along_axis(G, idx + 1, axis=1), axis=1)[:, -1]
    with_none = with_none + no_positive * 2 / (ks + 2).astype(np.float64)
    best_k, best_none, best = 0, True, float(no_positive)     # k = 0 with None: F1 = P(no positive)
    for k in range(n, -1, -1):
        wo, wn = float(without_none[k]), float(with_none[k])
        if (k > 0 and wo > best + 1e-12) or (k > 0 and wo == best and not best_none and k < best_k):
            best, best_k, best_none = wo, k, False
        if wn > best + 1e-12:
            best, best_k, best_none = wn, k, True
    return order[:best_k], best_none, best


def f1_with_none(predicted: set, includes_none: bool, truth: set) -> float:
    """BasketF1.f1: F1 of sets with None as an item; the truth is {None} when empty."""
    none = -1
    guess = predicted | {none} if includes_none else predicted
    actual = truth if truth else {none}
    if not guess and not actual:
        return 1.0
    return 2 * len(guess & actual) / (len(guess) + len(actual))


def basket_f1(c: np.ndarray, y: np.ndarray, groups: np.ndarray, threshold: float = THRESHOLD) -> tuple[float, float]:
    """BasketF1.mean: (mean F1 of {c ≥ threshold}, mean F1 of the expected-F1 basket) over groups."""
    order = np.argsort(groups, kind="stable")      # by group, then row
    g_sorted = groups[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]]) if len(order) else np.array([], dtype=int)
    ends = np.r_[starts[1:], len(order)]
    fixed_scores, expected_scores = [], []
    for s, e in zip(starts, ends):
        rows = order[s:e]
        pr, yr = c[rows], y[rows]
        truth = set(np.flatnonzero(yr > 0.5).tolist())
        fixed = set(np.flatnonzero(pr >= threshold).tolist())
        fixed_scores.append(f1_with_none(fixed, not fixed, truth))
        items, none, _ = expected_f1_basket(pr)
        expected_scores.append(f1_with_none(set(items.tolist()), none, truth))
    if not fixed_scores:
        return math.nan, math.nan
    return seqsum(np.array(fixed_scores)) / len(fixed_scores), seqsum(np.array(expected_scores)) / len(expected_scores)


def demand(items: np.ndarray, c: np.ndarray, y: np.ndarray) -> dict:
    """DemandAggregation: per item Σc vs Σy (row order), items ascending; R², MAE, item count."""
    if len(items) == 0:
        return {"mae": math.nan, "products": 0, "r2": math.nan}
    limit = int(items.max()) + 1
    mu = np.bincount(items, weights=c, minlength=limit)      # sequential per bin, in row order
    obs = np.bincount(items, weights=y, minlength=limit)
    n = np.bincount(items, minlength=limit)
    keep = n > 0
    return {"mae": mean_absolute_error(obs[keep], mu[keep]), "products": int(keep.sum()),
            "r2": r_squared(obs[keep], mu[keep])}


def model_scores(p: np.ndarray, y: np.ndarray, groups: np.ndarray, items: np.ndarray) -> dict:
    """ModelScores.score, same JSON keys as Scores.swift."""
    c = np.minimum(np.maximum(p, 0.0), 1.0)
    f1_fixed, f1_expected = basket_f1(c, y, groups)
    pair = {"auc": area_under_roc(y, p), "f1_at_0_2": f1_fixed, "f1_expected": f1_expected,
            "logloss": log_loss(y, c), "mae": mean_absolute_error(y, p), "r2": r_squared(y, p)}
    return {"demand": demand(items, c, y), "pair": pair}


# ---------------------------------------------------------------------------------------------------
# Cross-validation

def resolved_max_features(max_features: float, feature_count: int) -> int:
    """ForestParameters.resolvedMaxFeatures: the count itself when > 1, else max(1, ⌊f·p + 1e-9⌋), ≤ p."""
    raw = int(math.floor(max_features)) if max_features > 1 else int(math.floor(max_features * feature_count + 1e-9))
    return min(max(1, raw), feature_count)


def parse_fraction(text: str) -> float:
    if "/" in text:
        a, b = text.split("/", 1)
        return float(a) / float(b)
    return float(text)


def check_sklearn_missing_values() -> str:
    import sklearn
    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    if (major, minor) < (1, 4):
        sys.exit(f"error: scikit-learn {sklearn.__version__} < 1.4 has no native NaN support in RandomForest; "
                 "this script does not impute")
    return sklearn.__version__


def cross_validate(args) -> dict:
    from sklearn.ensemble import RandomForestRegressor
    started = time.perf_counter()
    version = check_sklearn_missing_values()
    with open(args.matrix, "rb") as f:
        if f.read(8) != b"RSTKMAT1":
            sys.exit(f"error: {args.matrix}: not a Restock binary matrix (RSTKMAT1); write one with "
                     "`restock features --data DIR --out FILE.bin`")
    with open(args.matrix, "rb") as f:
        f.seek(8)
        header = json.loads(f.read(int.from_bytes(f.read(4), "little")))
    columns = read_rstkmat(args.matrix)
    features = header["features"]
    target = header.get("target") or sys.exit(f"error: {args.matrix}: no target column")
    y_all = np.asarray(columns[target], dtype=np.float32)
    labelled = np.flatnonzero(~np.isnan(y_all))
    if len(labelled) == 0:
        sys.exit("error: the matrix has no row with a known target")
    groups = np.asarray(columns["user_id"])[labelled].astype(np.int64)
    items = np.asarray(columns["product_id"])[labelled].astype(np.int64)
    y32 = y_all[labelled]
    y = y32.astype(np.float64)
    X = np.empty((len(labelled), len(features)), dtype=np.float32, order="F")
    for j, name in enumerate(features):
        X[:, j] = np.asarray(columns[name])[labelled]
    load_seconds = time.perf_counter() - started
    mtry = resolved_max_features(args.max_features, len(features))
    print(f"sklearn {version}: {len(labelled)} labelled rows x {len(features)} features loaded in {load_seconds:.2f} s; "
          f"mtry {mtry}, {args.trees} trees, min_samples_leaf {args.min_samples_leaf}, {args.folds} folds",
          file=sys.stderr)

    fold_of_row = groups % args.folds
    oof = np.full(len(labelled), np.nan)
    fit_total = predict_total = 0.0
    for fold in range(args.folds):
        test = np.flatnonzero(fold_of_row == fold)
        train = np.flatnonzero(fold_of_row != fold)
        if len(test) == 0 or len(train) == 0:
            continue
        model = RandomForestRegressor(
            n_estimators=args.trees, criterion="squared_error", max_features=mtry,
            min_samples_leaf=args.min_samples_leaf, max_depth=(args.max_depth or None),
            bootstrap=True, max_samples=(None if args.sample_fraction == 1.0 else args.sample_fraction),
            min_impurity_decrease=args.min_impurity_decrease,
            n_jobs=args.threads, random_state=args.seed)
        t0 = time.perf_counter()
        model.fit(X[train], y32[train])
        t1 = time.perf_counter()
        oof[test] = model.predict(X[test])
        t2 = time.perf_counter()
        fit_total += t1 - t0
        predict_total += t2 - t1
        nodes = sum(e.tree_.node_count for e in model.estimators_)
        print(f"sklearn fold {fold + 1}/{args.folds}: {args.trees} trees ({nodes} nodes) on {len(train)} rows "
              f"in {t1 - t0:.2f} s, predicted {len(test)} rows in {t2 - t1:.2f} s", file=sys.stderr)
        del model
    t3 = time.perf_counter()
    models = {"sklearn_rf": model_scores(oof, y, groups, items)}
    if args.with_naive:
        up_rate = np.asarray(columns["up_rate"])[labelled].astype(np.float64)
        models["naive"] = model_scores(np.where(np.isnan(up_rate), 0.0, up_rate), y, groups, items)
    score_seconds = time.perf_counter() - t3
    seconds = time.perf_counter() - started
    print(f"sklearn: fit {fit_total:.2f} s, predict {predict_total:.2f} s, metrics {score_seconds:.2f} s, "
          f"total {seconds:.2f} s", file=sys.stderr)
    return {"features": len(features), "folds": args.folds, "models": models, "rows": int(len(labelled)),
            "seconds": round(seconds * 100) / 100, "users": int(len(np.unique(groups))),
            "_timing": {"load": load_seconds, "fit": fit_total, "predict": predict_total, "metrics": score_seconds}}


# ---------------------------------------------------------------------------------------------------
# Output (EvaluationSummary.swift)

def number(v: float) -> str:
    return f"{v:.4f}" if math.isfinite(v) else "nan"


def table(result: dict) -> str:
    lines = [f"rows {result['rows']}, users {result['users']}, features {result['features']}, folds {result['folds']}, "
             f"seconds {result['seconds']:.1f}", ""]
    header = ["model", "R2", "MAE", "AUC", "logloss", "F1@0.2", "F1 exp", "|", "demand R2", "demand MAE", "products"]
    rows = [header]
    for name, s in result["models"].items():
        p, d = s["pair"], s["demand"]
        rows.append([name, number(p["r2"]), number(p["mae"]), number(p["auc"]), number(p["logloss"]),
                     number(p["f1_at_0_2"]), number(p["f1_expected"]), "|", number(d["r2"]), number(d["mae"]),
                     str(d["products"])])
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c]) for c, cell in enumerate(row)))
    return "\n".join(lines)


def to_json(result: dict) -> str:
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items() if not k.startswith("_")}
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")   # as Swift's encoder
        return v
    return json.dumps(clean(result), sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------------
# Self-test

def expected_f1_by_enumeration(p: list[float], predicted: set, includes_none: bool) -> float:
    """E[F1] of one prediction by summing over all 2ⁿ outcomes (ExpectedF1Basket.expectedF1ByEnumeration)."""
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=len(p)):
        w = 1.0
        for pi, o in zip(p, outcome):
            w *= pi if o else 1 - pi
        truth = {i for i, o in enumerate(outcome) if o}
        total += w * f1_with_none(predicted, includes_none, truth)
    return total


def restock_hand_check(restock: str) -> list[str]:
    """Scores the same fixed predictions with Restock and with this script: a tiny CSV matrix whose
    up_rate column holds hand-picked predictions (ties, 0, 1, out of [0, 1], missing, shared
    products, an unlabelled user) goes through `restock evaluate --matrix`, whose "naive" model is
    exactly up_rate with NaN -> 0; its scores must equal model_scores() of the same column."""
    import subprocess
    import tempfile
    rng = np.random.default_rng(3)
    rows = []
    for user in range(1, 31):
        for _ in range(int(rng.integers(1, 9))):
            product = int(rng.integers(1, 12))
            rate = rng.choice([rng.random(), 0.2, 0.5, np.nan, 1.3, -0.1, 0.0, 1.0])
            label = float(rng.random() < 0.35) if user != 30 else math.nan
            rows.append((user, product, float(rate), int(rng.integers(1, 20)), label))
    def field(v):
        return "" if isinstance(v, float) and math.isnan(v) else (f"{v:.4f}" if isinstance(v, float) else str(v))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hand.csv")
        with open(path, "w") as f:
            f.write("user_id,product_id,up_rate,u_orders,y\n")
            for row in rows:
                f.write(",".join(field(v) for v in row) + "\n")
        run = subprocess.run([restock, "evaluate", "--matrix", path, "--json", "--trees", "3", "--folds", "3",
                              "--threads", "1"], capture_output=True, text=True)
    if run.returncode != 0:
        return [f"restock evaluate failed: {run.stderr.strip()[-300:]}"]
    summary = json.loads(run.stdout)          # the job summary object of docs/json.md
    theirs = dict(summary["rows"], models=summary["metrics"])
    labelled = [r for r in rows if not math.isnan(r[4])]
    rate = np.array([float(f"{r[2]:.4f}") if not math.isnan(r[2]) else math.nan for r in labelled])
    rate = rate.astype(np.float32).astype(np.float64)                  # Restock stores Float32
    ours = model_scores(np.where(np.isnan(rate), 0.0, rate), np.array([r[4] for r in labelled]),
                        np.array([r[0] for r in labelled]), np.array([r[1] for r in labelled]))
    problems = []
    if theirs["rows"] != len(labelled) or theirs["users"] != len({r[0] for r in labelled}):
        problems.append(f"restock hand case: rows/users {theirs['rows']}/{theirs['users']}")
    worst = 0.0
    for level in ("pair", "demand"):
        for key, want in ours[level].items():
            got = float(theirs["models"]["naive"][level][key])
            worst = max(worst, abs(got - want))
            if not abs(got - want) <= 1e-12 * max(1.0, abs(want)):
                problems.append(f"restock hand case {level}.{key}: restock {got!r}, ours {want!r}")
    print(f"restock hand case: {len(labelled)} labelled rows; largest |restock - ours| over the 9 naive scores {worst:.1e}")
    return problems


def self_test(restock: str | None = None) -> int:
    failures = []

    def check(name, got, want, tol=1e-12):
        ok = (math.isnan(got) and math.isnan(want)) or abs(got - want) <= tol * max(1.0, abs(want))
        if not ok:
            failures.append(f"{name}: got {got!r}, want {want!r}")

    # 1. Pair metrics on a hand case, against the formulas worked by hand (and scikit-learn's).
    y = np.array([1, 0, 0, 1, 0, 1, 0, 0], dtype=np.float64)
    p = np.array([0.9, 0.2, 0.2, 0.4, -0.1, 0.2, 1.3, 0.0])
    ybar = 3 / 8
    ss_res = sum((a - b) ** 2 for a, b in zip(y, p))                  # 0.01+0.04+0.04+0.36+0.01+0.64+1.69+0 = 2.79
    ss_tot = sum((a - ybar) ** 2 for a in y)                          # 3·(5/8)² + 5·(3/8)² = 1.875
    check("hand ss_res", ss_res, 2.79, 1e-12)
    check("r2", r_squared(y, p), 1 - 2.79 / 1.875)
    check("mae", mean_absolute_error(y, p), (0.1 + 0.2 + 0.2 + 0.6 + 0.1 + 0.8 + 1.3 + 0.0) / 8)
    # AUC: scores ascending -0.1(n) 0.0(n) 0.2(n) 0.2(n) 0.2(p) 0.4(p) 0.9(p) 1.3(n);
    # ranks 1 2 [3 4 5 → 4 each] 6 7 8 → positive rank sum 4 + 6 + 7 = 17; (17 − 6) / (3·5) = 11/15.
    check("auc", area_under_roc(y, p), 11 / 15)
    c = np.clip(p, 0, 1)
    # log loss on clip(p, 0, 1) then [ε, 1 − ε]: the row p = 1.3 (c = 1, y = 0) costs −ln(ε); y = 0, c = 0 costs ≈ 0.
    want_ll = -(math.log(0.9) + math.log(0.8) + math.log(0.8) + math.log(0.4) + math.log(1 - EPSILON)
                + math.log(0.2) + math.log(1 - (1 - EPSILON)) + math.log(1 - EPSILON)) / 8
    check("logloss", log_loss(y, c), want_ll, 1e-12)
    check("r2 constant exact", r_squared(np.ones(3), np.ones(3)), 1.0)
    check("r2 constant inexact", r_squared(np.ones(3), np.array([1, 1, 0.5])), 0.0)
    check("auc one class", area_under_roc(np.ones(3), np.array([0.1, 0.2, 0.3])), math.nan)
    try:
        from sklearn.metrics import mean_absolute_error as sk_mae, r2_score, roc_auc_score
        check("r2 vs sklearn", r_squared(y, p), r2_score(y, p), 1e-12)
        check("mae vs sklearn", mean_absolute_error(y, p), sk_mae(y, p), 1e-12)
        check("auc vs sklearn", area_under_roc(y, p), roc_auc_score(y, p), 1e-12)
        rng = np.random.default_rng(5)
        yy = (rng.random(500) < 0.3).astype(np.float64)
        ss = np.round(rng.random(500), 2)                             # many ties
        check("auc ties vs sklearn", area_under_roc(yy, ss), roc_auc_score(yy, ss), 1e-12)
    except ImportError:
        pass

    # 2. Basket F1 with the None rules. Users (groups) 7 and 3, rows interleaved.
    groups = np.array([7, 3, 7, 3, 7, 3, 9], dtype=np.int64)
    yb = np.array([1, 0, 0, 0, 1, 0, 0], dtype=np.float64)
    cb = np.array([0.25, 0.1, 0.5, 0.05, 0.1, 0.19, 0.3])
    # user 3: nothing ≥ 0.2 → {None}; truth empty → {None}: F1 1.
    # user 7: fixed {row0, row2}; truth {row0, row4}: F1 2·1/4 = 0.5.
    # user 9: fixed {row6}; truth empty → {None}: F1 0.  Mean (1 + 0.5 + 0)/3 = 0.5.
    fixed_mean, _ = basket_f1(cb, yb, groups)
    check("F1@0.2 hand", fixed_mean, 0.5)
    # Expected-F1 basket per user, scored by hand from the chosen sets.
    per_user = []
    for g in (3, 7, 9):
        rows = np.flatnonzero(groups == g)
        items, none, _ = expected_f1_basket(cb[rows])
        per_user.append(f1_with_none(set(items.tolist()), none, set(np.flatnonzero(yb[rows] > 0.5).tolist())))
    _, expected_mean = basket_f1(cb, yb, groups)
    check("F1 expected = mean of per-user F1", expected_mean, sum(per_user) / 3)
    # user 3 has low probabilities: the best basket is {None} alone (E[F1] = P(none) = 0.9·0.95·0.81).
    items, none, value = expected_f1_basket(np.array([0.1, 0.05, 0.19]))
    check("low-p user chooses None only", float(len(items) == 0 and none), 1.0)
    check("low-p user E[F1]", value, 0.9 * 0.95 * 0.81)
    check("f1 both None", f1_with_none(set(), True, set()), 1.0)
    check("f1 None vs items", f1_with_none(set(), True, {1, 2}), 0.0)
    check("f1 items + None vs items", f1_with_none({1}, True, {1, 2}), 2 * 1 / 4)   # {1, None} vs {1, 2}

    # 3. Expected-F1 basket against brute force over every prediction (all subsets × None).
    rng = np.random.default_rng(1)
    cases = 0
    for trial in range(400):
        n = int(rng.integers(0, 8))
        kind = trial % 4
        if kind == 0:
            pr = rng.random(n)
        elif kind == 1:
            pr = rng.choice([0.0, 0.1, 0.3, 0.5, 0.5, 0.9, 1.0], size=n)   # ties, 0 and 1
        elif kind == 2:
            pr = rng.random(n) ** 3                                         # mostly small
        else:
            pr = 1 - rng.random(n) ** 3                                     # mostly large
        items, none, value = expected_f1_basket(pr)
        plist = pr.tolist()
        brute = max(expected_f1_by_enumeration(plist, set(s), nn)
                    for r in range(n + 1) for s in itertools.combinations(range(n), r)
                    for nn in (False, True) if s or nn)
        check(f"DP optimum n={n} p={np.round(pr, 3).tolist()}", value, brute, 1e-9)
        check(f"DP value of its choice n={n}", expected_f1_by_enumeration(plist, set(items.tolist()), none), value, 1e-9)
        if n and not none:
            check("non-empty prediction", float(len(items) > 0), 1.0)
        cases += 1

    # 4. Demand: products 5 and 2; 5 has rows c = 0.5, 0.25 and y = 1, 0; 2 has c = 1 (clipped), y = 1.
    d = demand(np.array([5, 2, 5]), np.array([0.5, 1.0, 0.25]), np.array([1.0, 1.0, 0.0]))
    # items ascending: 2 → (1, 1), 5 → (0.75, 1): MAE 0.125; R² = 1 − 0.0625 / 0 → constant y, inexact → 0.
    check("demand mae", d["mae"], 0.125)
    check("demand r2 constant", d["r2"], 0.0)
    check("demand products", d["products"], 2)
    d2 = demand(np.array([1, 1, 3, 4]), np.array([0.2, 0.3, 0.9, 0.0]), np.array([1.0, 0.0, 1.0, 0.0]))
    # obs (1, 1, 0), pred (0.5, 0.9, 0): SS_res 0.25 + 0.01 = 0.26, mean 2/3, SS_tot 2/9 + 2/9... = 2/3
    check("demand r2", d2["r2"], 1 - 0.26 / (2 / 3))

    # 5. Folds = user_id % k, and mtry.
    check("fold of 12 in 5", float(12 % 5), 2.0)
    check("mtry 1/3 of 30", resolved_max_features(1 / 3, 30), 10)
    check("mtry 0.333 of 30", resolved_max_features(0.333, 30), 9)
    check("mtry 7", resolved_max_features(7, 30), 7)

    if restock:
        failures += restock_hand_check(restock)

    for f in failures[:20]:
        print("FAIL", f)
    print(f"self-test: {len(failures)} failures ({cases} expected-F1 cases against brute force)")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("matrix", nargs="?", help="RSTKMAT1 matrix from `restock features --out FILE.bin`")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--max-features", type=parse_fraction, default=1 / 3,
                        help="fraction of the features (≤ 1) or a count; default 1/3 as restock (0.333 gives 9 of 30)")
    parser.add_argument("--min-samples-leaf", type=int, default=5)
    parser.add_argument("--max-depth", type=int, default=0, help="0 = unlimited")
    parser.add_argument("--sample-fraction", type=float, default=1.0, help="bootstrap draws as a fraction of the rows")
    parser.add_argument("--min-impurity-decrease", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0, help="random_state (the same for every fold, as restock)")
    parser.add_argument("--threads", type=int, default=2, help="n_jobs")
    parser.add_argument("--with-naive", action="store_true", help="also score Restock's naive baseline (up_rate, NaN → 0)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--restock", metavar="PATH", help="with --self-test: also score a hand case with this restock binary")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.restock)
    if not args.matrix:
        parser.error("MATRIX is required (or --self-test)")
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    result = cross_validate(args)
    print(to_json(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
