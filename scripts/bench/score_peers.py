#!/usr/bin/env python3
"""Peers for scripts/bench/score: one Random Forest regressor per call, trained on the same training
CSV as Restock with the same hyperparameters, then timed predicting the same rows.

  sklearn   RandomForestRegressor: squared error, bootstrap with replacement, max_features = mtry,
            min_samples_leaf, unlimited depth, n_jobs = threads.
  lightgbm  boosting='rf': bagging 0.632 without replacement (LightGBM's rf cannot draw with
            replacement), feature_fraction_bynode = mtry / p, min_data_in_leaf, max_bin 255,
            num_leaves = 0.05 n clamped to [8192, 131072] (so trees are grown out, not capped at 31).

Prints one JSON object: fit seconds, forest size (trees, nodes, leaves), predict seconds, rows/s and
rows per CPU second (user + system of the process, all threads) on the scoring matrix already in memory
(float32, C order, best of --repeat), the same for pandas read_csv + predict + to_csv('%.6g') of the
same CSV end to end (what a Python scoring job does), and the process's peak RSS (VmHWM).

Usage: score_peers.py --peer sklearn --train train.csv --score score.csv --trees 100 --threads 2
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd

KEYS = ["user_id", "product_id"]


def vm_hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s():
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def features_of(frame, target):
    return [c for c in frame.columns if c not in KEYS and c != target]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True, choices=["sklearn", "lightgbm"])
    ap.add_argument("--train", required=True)
    ap.add_argument("--score", required=True)
    ap.add_argument("--target", default="y")
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-leaf", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out-csv", default="/dev/null")
    a = ap.parse_args()

    train = pd.read_csv(a.train)
    names = features_of(train, a.target)
    X = np.ascontiguousarray(train[names].to_numpy(dtype=np.float32))
    y = train[a.target].to_numpy(dtype=np.float32)
    del train
    n, p = X.shape
    mtry = max(1, p // 3)
    res = {"peer": a.peer, "train_rows": n, "features": p, "mtry": mtry, "threads": a.threads}

    t0 = time.perf_counter()
    if a.peer == "sklearn":
        import sklearn
        from sklearn.ensemble import RandomForestRegressor
        res["version"] = sklearn.__version__
        model = RandomForestRegressor(n_estimators=a.trees, criterion="squared_error", max_depth=None,
                                      min_samples_leaf=a.min_leaf, max_features=mtry, bootstrap=True,
                                      n_jobs=a.threads, random_state=a.seed)
        model.fit(X, y)
        nodes = [e.tree_.node_count for e in model.estimators_]
        leaves = [e.tree_.n_leaves for e in model.estimators_]
        depth = max(e.tree_.max_depth for e in model.estimators_)

        def predict(M):
            return model.predict(M)
    else:
        import lightgbm as lgb
        res["version"] = lgb.__version__
        params = dict(objective="regression", boosting="rf", num_iterations=a.trees,
                      num_leaves=int(min(131072, max(8192, round(0.05 * n)))), max_depth=-1,
                      min_data_in_leaf=a.min_leaf, min_sum_hessian_in_leaf=0.0, lambda_l2=0.0,
                      min_gain_to_split=0.0, bagging_fraction=0.632, bagging_freq=1, feature_fraction=1.0,
                      feature_fraction_bynode=mtry / p, max_bin=255, force_col_wise=True,
                      num_threads=a.threads, seed=a.seed, verbose=-1)
        booster = lgb.train(params, lgb.Dataset(X, label=y, params=dict(params)))
        info = booster.dump_model()["tree_info"]
        leaves = [t["num_leaves"] for t in info]
        nodes = [2 * l - 1 for l in leaves]
        depth = None

        def predict(M):
            return booster.predict(M, num_threads=a.threads)
    res["fit_s"] = time.perf_counter() - t0
    res["trees"] = len(leaves)
    res["nodes"] = int(sum(nodes))
    res["leaves_per_tree"] = float(np.mean(leaves))
    res["max_depth"] = depth
    del X, y

    # predict on the scoring rows, already in memory
    frame = pd.read_csv(a.score)
    S = np.ascontiguousarray(frame[names].to_numpy(dtype=np.float32))
    del frame
    res["score_rows"] = S.shape[0]
    best, best_cpu = float("inf"), float("inf")
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), cpu_s()
        predict(S)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, cpu_s() - c0)
    res["predict_s"] = best
    res["predict_rows_per_s"] = S.shape[0] / best
    res["predict_cpu_s"] = best_cpu
    res["predict_rows_per_cpu_s"] = S.shape[0] / best_cpu
    del S

    # end to end: CSV in, CSV out
    t0, c0 = time.perf_counter(), cpu_s()
    frame = pd.read_csv(a.score)
    probability = predict(np.ascontiguousarray(frame[names].to_numpy(dtype=np.float32)))
    out = pd.DataFrame({"user_id": frame["user_id"], "product_id": frame["product_id"], "probability": probability})
    out.to_csv(a.out_csv, index=False, float_format="%.6g")
    res["csv_to_csv_s"] = time.perf_counter() - t0
    res["csv_to_csv_rows_per_s"] = len(frame) / res["csv_to_csv_s"]
    res["csv_to_csv_rows_per_cpu_s"] = len(frame) / (cpu_s() - c0)
    res["peak_rss_mb"] = vm_hwm_mb()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
