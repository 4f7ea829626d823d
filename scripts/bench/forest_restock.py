#!/usr/bin/env python3
"""Runs `restock train` and `restock predict` on a make_matrix.py dataset the way peers.py runs its
peers (own process, wall clock, rusage, load of the rest of the machine), scores the predictions
with the harness's own `metrics` (same R², MAE, AUC formulas), and prints one table with the peers'
results read from peers.py's JSON lines.

Restock's "fit" is binning + growing the trees (out-of-bag predictions included, which the peers do
not compute), measured inside the process once the matrix is in memory, like the peers' fit (whose
binning/Dataset construction is included too): seconds.binning + seconds.growing of `restock train
--json` (the job summary object, docs/json.md); its predict time is seconds.predict of `restock
predict --json`. The command's
whole wall time (reading the matrix file, writing the model) is shown beside it. A second training
with `--no-out-of-bag` (the same trees, without the out-of-bag predictions: the same work as the peers)
is timed too and printed as "restock-no-oob".
"""
import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--restock", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--harness", required=True)
    ap.add_argument("--peer-results", default=None)
    a = ap.parse_args()
    sys.path.insert(0, a.harness)
    import peers  # the harness: run_child, metrics, load_split

    meta_tr, _, _ = peers.load_split(a.data, "train", want_x=False)
    meta_te, _, yte = peers.load_split(a.data, "test", want_x=False)
    p = meta_tr["cols"]
    mtry = max(1, p // 3)
    work = tempfile.mkdtemp(prefix="restock_bench_")
    model = os.path.join(work, "model.rf")
    pred_csv = os.path.join(work, "pred.csv")
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")

    def summary_of(log, what):
        """The `--json` summary object in a child's log (run_child merges stdout and stderr into it)."""
        for line in reversed(log.splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        sys.exit(f"{what}: no JSON summary in its output: {log[-800:]}")

    def train(model_path, extra, log_name):
        """Runs `restock train --json` into model_path; returns (child, summary object, fit s, node count)."""
        command = [a.restock, "train", "--matrix", os.path.join(a.data, "train.rstkmat"), "--model", model_path,
                   "--trees", str(a.trees), "--max-features", str(mtry), "--min-samples-leaf", "5", "--max-depth", "0",
                   "--seed", str(a.seed), "--threads", str(a.threads), "--permutation-rows", "0", "--quiet",
                   "--json"] + extra
        child = peers.run_child(command, env, 7200, os.path.join(work, log_name))
        with open(os.path.join(work, log_name)) as f:
            log = f.read()
        if child["rc"] != 0:
            sys.exit(f"restock train {' '.join(extra)} failed (exit {child['rc']}): {log[-800:]}")
        summary = summary_of(log, f"restock train {' '.join(extra)}")
        fit_s = summary["seconds"]["binning"] + summary["seconds"]["growing"]
        return child, summary, fit_s, summary["rows"]["nodes"]

    ch_train, train_summary, fit, nodes = train(model, [], "train.log")
    oob_r2 = train_summary.get("metrics", {}).get("out_of_bag_r2")
    oob = f"{oob_r2:.4f}" if isinstance(oob_r2, (int, float)) else ("n/a" if oob_r2 is None else str(oob_r2))  # "nan"
    # the same training without the out-of-bag pass (the peers compute none): same trees, fit time only
    ch_no_oob, _, fit_no_oob, nodes_no_oob = train(model + ".no-oob", ["--no-out-of-bag"], "train-no-oob.log")
    if nodes_no_oob != nodes:
        sys.exit("restock train --no-out-of-bag grew other trees")
    predict = [a.restock, "predict", "--model", model, "--matrix", os.path.join(a.data, "test.rstkmat"),
               "--out", pred_csv, "--threads", str(a.threads), "--quiet", "--json"]
    ch_pred = peers.run_child(predict, env, 3600, os.path.join(work, "predict.log"))
    with open(os.path.join(work, "predict.log")) as f:
        predict_log = f.read()
    if ch_pred["rc"] != 0:
        sys.exit(f"restock predict failed (exit {ch_pred['rc']}): {predict_log[-800:]}")
    predict_s = summary_of(predict_log, "restock predict")["seconds"]["predict"]
    pred = np.loadtxt(pred_csv, skiprows=1, dtype=np.float64)
    if len(pred) != len(yte):
        sys.exit(f"prediction length {len(pred)} != {len(yte)}")
    m = peers.metrics(yte, pred)
    matrix_mib = meta_tr["rows"] * p * 4 / 2**20
    model_mib = os.path.getsize(model) / 2**20
    restock = dict(peer="restock", status="ok", trees=a.trees, trees_run=a.trees, extrapolated=False,
                   fit_s=fit, fit_s_at_T=fit, predict_s=predict_s,
                   predict_rows_per_s=len(yte) / predict_s if predict_s > 0 else None,
                   train_wall_s=ch_train["wall_s"], train_cpu_s=ch_train["cpu_user_s"] + ch_train["cpu_sys_s"],
                   rss_peak_mib=max(ch_train["ru_maxrss_kib"], ch_pred["ru_maxrss_kib"]) / 1024,
                   train_rss_mib=ch_train["ru_maxrss_kib"] / 1024, predict_rss_mib=ch_pred["ru_maxrss_kib"] / 1024,
                   other_cores=ch_train["other_cores"], nodes=nodes, oob_r2=oob, model_mib=model_mib,
                   matrix_mib=matrix_mib, **m)

    rows = []
    if a.peer_results and os.path.exists(a.peer_results):
        with open(a.peer_results) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    rows.append(restock)
    rows.append(dict(restock, peer="restock-no-oob", fit_s=fit_no_oob, fit_s_at_T=fit_no_oob,
                     train_wall_s=ch_no_oob["wall_s"], train_cpu_s=ch_no_oob["cpu_user_s"] + ch_no_oob["cpu_sys_s"],
                     rss_peak_mib=max(ch_no_oob["ru_maxrss_kib"], ch_pred["ru_maxrss_kib"]) / 1024,
                     other_cores=ch_no_oob["other_cores"], oob_r2="skipped"))

    def f(v, fmt):
        return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)

    print(f"# data={a.data} train={meta_tr['rows']}x{p} test={meta_te['rows']} trees={a.trees} mtry={mtry} "
          f"min_leaf=5 threads={a.threads}")
    print(f"{'peer':<9} {'fit s':>9}  {'predict rows/s':>14}  {'R2':>7} {'AUC':>7} {'MAE':>7} {'peak RSS MiB':>13} "
          f"{'other load':>10}  notes")
    for r in rows:
        if r.get("status") != "ok":
            print(f"{r['peer']:<9} {r.get('status')}: {r.get('error', '')[:100]}")
            continue
        star = "*" if r.get("extrapolated") else " "
        other = r.get("other_cores", (r.get("child") or {}).get("other_cores"))
        if r["peer"].startswith("restock"):
            notes = (f"train command wall {r['train_wall_s']:.1f} s, cpu {r['train_cpu_s']:.1f} s; "
                     f"{r['nodes']:,} nodes; OOB R2 {r['oob_r2']}; model {r['model_mib']:.0f} MiB; "
                     f"Float32 matrix {r['matrix_mib']:.0f} MiB")
        else:
            notes = f"{r.get('version', '')}, ran {r['trees_run']} trees"
        # a peer run with fewer trees predicts faster: scale its predict time to --trees as well
        predict_s = r.get("predict_s_at_T") or r["predict_s"]
        rate = len(yte) / predict_s if predict_s else None
        print(f"{r['peer']:<9} {f(r['fit_s_at_T'], '9.2f')}{star} {f(rate, '14,.0f')}{star} "
              f"{f(r['r2'], '7.4f')} {f(r['auc'], '7.4f')} {f(r['mae'], '7.4f')} {f(r['rss_peak_mib'], '13,.0f')} "
              f"{f(other, '10.2f')}  {notes}")
    fastest = [r for r in rows if r.get("status") == "ok" and not r["peer"].startswith("restock")]
    if fastest:
        best = min(fastest, key=lambda r: r["fit_s_at_T"])
        print(f"# fit speed-up over the fastest peer ({best['peer']}): {best['fit_s_at_T'] / restock['fit_s']:.1f}x "
              f"with Restock's out-of-bag predictions, {best['fit_s_at_T'] / fit_no_oob:.1f}x without (same trees); "
              f"'*' = fewer trees run: times extrapolated to {a.trees} trees (fit by the harness, predict linearly), "
              f"R2/AUC are those of the smaller forest")


if __name__ == "__main__":
    main()
