#!/usr/bin/env python3
"""Compare two reorder feature matrices cell by cell.

    python compare_matrix.py A B [--rtol 1e-4] [--atol 1e-6] [--examples 3]

A and B are CSV files with a header user_id,product_id,<features...>,y (an empty field or `nan`
is missing), the .npy files of features_pandas.py / features_duckdb.py (float32, shape
(rows, columns), columns user_id, product_id, the 30 features of ReorderFeature.swift, y), or
Restock's binary matrices (`restock features --format binary`, RSTKMAT1, recognised by content).
Rows are aligned by (user_id, product_id); columns by name (a column present in one file only is
reported and fails the comparison).

Prints, per column, the largest absolute and relative difference, how many cells differ by more
than the tolerance (|a - b| > rtol * max(|a|, |b|) + atol; the default rtol covers float32
rounding) and how many cells are NaN in one matrix only, with a few example rows for a failing
column. Exit code 0 when keys, NaN patterns and values all agree, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
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


class Matrix:
    """Columns by name (float32 1-D arrays, NaN = missing) and the int64 row key user_id·2³² + product_id."""

    def __init__(self, path: str):
        self.path = path
        if not os.path.isfile(path):
            sys.exit(f"error: {path}: no such file")
        with open(path, "rb") as f:
            magic = f.read(8)
        if magic == b"RSTKMAT1":
            columns = read_rstkmat(path)
        elif path.endswith(".npy"):
            array = np.load(path, mmap_mode="r")          # column views of a Fortran array: no copy
            if array.ndim != 2 or array.shape[1] != len(NPY_COLUMNS):
                sys.exit(f"error: {path}: expected shape (rows, {len(NPY_COLUMNS)}), got {array.shape}")
            columns = {name: array[:, j] for j, name in enumerate(NPY_COLUMNS)}
        else:
            if path.endswith(".parquet"):
                frame = pd.read_parquet(path)
            else:
                header = pd.read_csv(path, nrows=0).columns
                # float64 parse, then round to float32 below: a float32 written with its shortest
                # round-trip digits compares exactly.
                frame = pd.read_csv(path, na_values=["", "nan", "NaN", "NAN"], keep_default_na=False,
                                    dtype={name: ("int64" if name in KEYS else "float64") for name in header})
            columns = {name: frame[name].to_numpy() for name in frame.columns}
            del frame
        for k in KEYS:
            if k not in columns:
                sys.exit(f"error: {path}: no key column {k}")
        self.key = columns.pop("user_id").astype(np.int64) * 2**32 + columns.pop("product_id").astype(np.int64)
        self.columns = {name: np.asarray(values, dtype=np.float32) if values.dtype != np.float32 else values
                        for name, values in columns.items()}
        self.rows = len(self.key)
        if self.rows and not (np.diff(self.key) > 0).all():
            order = np.argsort(self.key, kind="stable")
            self.key = self.key[order]
            if (np.diff(self.key) == 0).any():
                sys.exit(f"error: {path}: duplicate (user_id, product_id) keys")
            self.columns = {name: np.asarray(values)[order] for name, values in self.columns.items()}


def read_rstkmat(path: str) -> dict[str, np.ndarray]:
    """Restock's binary matrix (models/FORMAT.md): "RSTKMAT1", UInt32 LE header length H, H bytes of
    JSON {"rows", "features", "keys", "target"}, then Int32 key columns, Float32 feature columns and
    the Float32 target column, each n values, little-endian. Columns are memory-mapped."""
    with open(path, "rb") as f:
        f.seek(8)
        length = int.from_bytes(f.read(4), "little")
        header = json.loads(f.read(length))
    n, offset, columns = header["rows"], 12 + length, {}
    for name in header["keys"]:
        columns[name] = np.memmap(path, dtype="<i4", mode="r", offset=offset, shape=(n,))
        offset += 4 * n
    for name in header["features"] + ([header["target"]] if header.get("target") else []):
        columns[name] = np.memmap(path, dtype="<f4", mode="r", offset=offset, shape=(n,))
        offset += 4 * n
    if offset != os.path.getsize(path):
        sys.exit(f"error: {path}: {os.path.getsize(path)} bytes, the header implies {offset}")
    return columns


def split_key(key: int) -> str:
    return f"user_id={key >> 32} product_id={key & 0xFFFFFFFF}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-6)
    parser.add_argument("--examples", type=int, default=3, help="example rows shown per failing column")
    args = parser.parse_args()

    a, b = Matrix(args.a), Matrix(args.b)
    ok = True
    print(f"A: {args.a}: {a.rows} rows, {len(a.columns)} value columns")
    print(f"B: {args.b}: {b.rows} rows, {len(b.columns)} value columns")

    if a.rows == b.rows and np.array_equal(a.key, b.key):
        print(f"keys: identical ({a.rows} rows)")
        rows_a = rows_b = slice(None)
        key = a.key
    else:
        ok = False
        key, rows_a, rows_b = np.intersect1d(a.key, b.key, assume_unique=True, return_indices=True)
        only_a, only_b = np.setdiff1d(a.key, key), np.setdiff1d(b.key, key)
        print(f"KEYS DIFFER: {len(only_a)} rows only in A, {len(only_b)} only in B; comparing the {len(key)} common rows")
        for label, only in (("A", only_a), ("B", only_b)):
            for k in only[: args.examples]:
                print(f"  only in {label}: {split_key(int(k))}")

    for name in a.columns:
        if name not in b.columns:
            ok = False
            print(f"column {name}: only in A")
    for name in b.columns:
        if name not in a.columns:
            ok = False
            print(f"column {name}: only in B")

    print(f"{'column':<22} {'max_abs_diff':>14} {'max_rel_diff':>14} {'over_tol':>10} {'nan_mismatch':>13}")
    for name in [c for c in a.columns if c in b.columns]:
        x = np.asarray(a.columns[name][rows_a], dtype=np.float64)
        y = np.asarray(b.columns[name][rows_b], dtype=np.float64)
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        nan_mismatch = nan_x != nan_y
        both = ~nan_x & ~nan_y
        diff = np.abs(x - y, where=both, out=np.zeros_like(x))
        scale = np.maximum(np.abs(x), np.abs(y))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        over = both & (diff > args.rtol * scale + args.atol)
        n_over, n_nan = int(over.sum()), int(nan_mismatch.sum())
        bad = n_over or n_nan
        ok = ok and not bad
        print(f"{name:<22} {diff.max(initial=0.0):>14.6g} {rel.max(initial=0.0):>14.6g} {n_over:>10} {n_nan:>13}"
              + ("   FAIL" if bad else ""), flush=True)
        if bad:
            for r in np.flatnonzero(over | nan_mismatch)[: args.examples]:
                print(f"    {split_key(int(key[r]))}: A={float(x[r])!r} B={float(y[r])!r}")
        del x, y, nan_x, nan_y, nan_mismatch, both, diff, scale, rel, over
    print("AGREE" if ok else "DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
