#!/usr/bin/env python3
"""Compare two reorder feature matrices cell by cell.

    python compare_matrix.py A B [--rtol 1e-4] [--atol 1e-6] [--examples 3]

A and B are CSV files with a header user_id,product_id,<features...>,y (an empty field or `nan`
is missing), or the .npy files of features_pandas.py / features_duckdb.py (float32, shape
(rows, columns), columns user_id, product_id, the 30 features of ReorderFeature.swift, y).
Rows are aligned by (user_id, product_id); columns by name (a column present in one file only is
reported and fails the comparison).

Prints, per column, the largest absolute and relative difference, how many cells differ by more
than the tolerance (|a - b| > rtol * max(|a|, |b|) + atol; the default rtol covers float32
rounding) and how many cells are NaN in one matrix only, with a few example rows for a failing
column. Exit code 0 when keys, NaN patterns and values all agree, 1 otherwise.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

FEATURES = [
    "u_orders", "u_items", "u_distinct", "u_reorder_ratio", "u_basket_mean", "u_days_mean",
    "t_days", "t_dow", "t_hour",
    "p_orders", "p_reorders", "p_reorder_ratio", "p_users", "p_repeat_users_ratio", "p_cart_mean",
    "aisle_id", "department_id",
    "up_orders", "up_first", "up_last", "up_cart_mean", "up_rate", "up_orders_since_last",
    "up_rate_since_first", "up_days_since_last", "up_in_last5",
    "u_basket_last", "up_streak", "up_interval_mean", "up_due_ratio",
]
KEYS = ["user_id", "product_id"]
NPY_COLUMNS = KEYS + FEATURES + ["y"]


def load(path: str) -> pd.DataFrame:
    if path.endswith(".npy"):
        array = np.load(path)
        if array.ndim != 2 or array.shape[1] != len(NPY_COLUMNS):
            sys.exit(f"error: {path}: expected shape (rows, {len(NPY_COLUMNS)}), got {array.shape}")
        frame = pd.DataFrame({name: array[:, j].astype(np.float64) for j, name in enumerate(NPY_COLUMNS)})
    elif path.endswith(".parquet"):
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, na_values=["", "nan", "NaN", "NAN"], keep_default_na=False,
                            dtype={name: "float64" for name in NPY_COLUMNS[2:]}, low_memory=False)
    missing = [k for k in KEYS if k not in frame.columns]
    if missing:
        sys.exit(f"error: {path}: no key column(s) {missing}")
    frame[KEYS] = frame[KEYS].astype(np.int64)
    # The matrices hold float32: parse CSV text as float64, then round to float32, so that a float32
    # written with its shortest round-trip digits compares exactly.
    values = [c for c in frame.columns if c not in KEYS]
    frame[values] = frame[values].astype(np.float32).astype(np.float64)
    if frame.duplicated(KEYS).any():
        sys.exit(f"error: {path}: duplicate (user_id, product_id) keys")
    return frame.sort_values(KEYS, ignore_index=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-6)
    parser.add_argument("--examples", type=int, default=3, help="example rows shown per failing column")
    args = parser.parse_args()

    a, b = load(args.a), load(args.b)
    ok = True
    print(f"A: {args.a}: {len(a)} rows, {len(a.columns)} columns")
    print(f"B: {args.b}: {len(b)} rows, {len(b.columns)} columns")

    keys = a[KEYS].merge(b[KEYS], how="outer", indicator=True)
    only_a, only_b = int((keys["_merge"] == "left_only").sum()), int((keys["_merge"] == "right_only").sum())
    if only_a or only_b:
        ok = False
        print(f"KEYS DIFFER: {only_a} rows only in A, {only_b} only in B; comparing the {len(keys) - only_a - only_b} common rows")
        for side, label in (("left_only", "A"), ("right_only", "B")):
            sample = keys.loc[keys["_merge"] == side, KEYS].head(args.examples)
            for row in sample.itertuples(index=False):
                print(f"  only in {label}: user_id={row.user_id} product_id={row.product_id}")
        common = keys.loc[keys["_merge"] == "both", KEYS]
        a = a.merge(common, on=KEYS).sort_values(KEYS, ignore_index=True)
        b = b.merge(common, on=KEYS).sort_values(KEYS, ignore_index=True)
    else:
        print(f"keys: identical ({len(a)} rows)")

    a_cols = [c for c in a.columns if c not in KEYS]
    b_cols = [c for c in b.columns if c not in KEYS]
    for name in a_cols:
        if name not in b_cols:
            ok = False
            print(f"column {name}: only in A")
    for name in b_cols:
        if name not in a_cols:
            ok = False
            print(f"column {name}: only in B")

    print(f"{'column':<22} {'max_abs_diff':>14} {'max_rel_diff':>14} {'over_tol':>10} {'nan_mismatch':>13}")
    for name in [c for c in a_cols if c in b_cols]:
        x = a[name].to_numpy(np.float64)
        y = b[name].to_numpy(np.float64)
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        nan_mismatch = nan_x != nan_y
        both = ~nan_x & ~nan_y
        diff = np.where(both, np.abs(x - y), 0.0)
        scale = np.maximum(np.abs(x), np.abs(y))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        over = both & (diff > args.rtol * scale + args.atol)
        n_over, n_nan = int(over.sum()), int(nan_mismatch.sum())
        bad = n_over or n_nan
        ok = ok and not bad
        print(f"{name:<22} {diff.max(initial=0.0):>14.6g} {rel.max(initial=0.0):>14.6g} {n_over:>10} {n_nan:>13}"
              + ("   FAIL" if bad else ""))
        if bad:
            for r in np.flatnonzero(over | nan_mismatch)[: args.examples]:
                print(f"    user_id={a.at[r, 'user_id']} product_id={a.at[r, 'product_id']}: A={x[r]!r} B={y[r]!r}")
    print("AGREE" if ok else "DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
