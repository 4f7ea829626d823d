#!/usr/bin/env python3
"""Benchmark peer: Restock's reorder feature matrix in idiomatic, vectorised pandas.

    python features_pandas.py DATA_DIR [--out FILE.npy|.csv|.parquet]

Computes the same matrix as `restock features` (TASK.md "Features", "Candidates and label", plus
the four extras of Sources/Features/Building/ReorderFeature.swift): one row per (user, product
bought in a prior order) for every user with a train or test order, sorted by user_id, product_id;
y = 1/0 for train users, NaN for test users. Notation: a user's prior orders have positions
t = 1..N by order_number, day(t) = sum of days_since_prior_order of orders 2..t, k = up_orders.

Prints one JSON line: {"peer":"pandas","seconds_read":..,"seconds_features":..,"seconds_total":..,
"rows":..,"peak_rss_mb":..}. Writing --out is not timed.

Written the way a data scientist would: read_csv with explicit dtypes, merge and groupby, no Python
loop per row or per user. Narrow dtypes (int32/int16/int8/float32) keep the full data (32M prior
rows, ~13M candidates) in a few GB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

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
COLUMNS = KEYS + FEATURES + ["y"]


def read(data_dir: str) -> dict[str, pd.DataFrame]:
    path = lambda name: os.path.join(data_dir, name)
    orders = pd.read_csv(path("orders.csv"), dtype={
        "order_id": "int32", "user_id": "int32", "eval_set": "category", "order_number": "int16",
        "order_dow": "int8", "order_hour_of_day": "int8", "days_since_prior_order": "float32"})
    op_types = {"order_id": "int32", "product_id": "int32", "add_to_cart_order": "int16", "reordered": "int8"}
    prior = pd.read_csv(path("order_products__prior.csv"), dtype=op_types)
    train = pd.read_csv(path("order_products__train.csv"), usecols=["order_id", "product_id"],
                        dtype={"order_id": "int32", "product_id": "int32"})
    products = pd.read_csv(path("products.csv"), usecols=["product_id", "aisle_id", "department_id"],
                           dtype={"product_id": "int32", "aisle_id": "int16", "department_id": "int16"})
    return {"orders": orders, "prior": prior, "train": train, "products": products}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Stages:
    """With --verbose, prints each stage's seconds and the current RSS to stderr."""

    def __init__(self, on: bool):
        self.on, self.last = on, time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.on:
            now = time.perf_counter()
            print(f"  {name:<28} {now - self.last:7.2f} s  rss {rss_mb():8.0f} MB", file=sys.stderr)
            self.last = now


def build(tables: dict[str, pd.DataFrame], stage: Stages = Stages(False)) -> pd.DataFrame:
    """The matrix as a DataFrame: user_id, product_id (int32), the features and y (float32).
    Takes the tables out of `tables` so that each is freed once used."""
    f32 = np.float32
    orders, prior, train, products = (tables.pop(name) for name in ("orders", "prior", "train", "products"))
    orders = orders.sort_values(["user_id", "order_number"], ignore_index=True)

    # --- prior orders: position t, N, and the calendar day(t) = sum of gaps of orders 2..t
    po = orders.loc[orders["eval_set"] == "prior",
                    ["order_id", "user_id", "order_number", "days_since_prior_order"]].reset_index(drop=True)
    po["days_since_prior_order"] = po["days_since_prior_order"].astype("float64")
    by_user = po.groupby("user_id", sort=False)
    po["t"] = (by_user.cumcount() + 1).astype("int16")
    po["n"] = by_user["order_number"].transform("size").astype("int16")
    gap = po["days_since_prior_order"].where(po["t"] > 1).fillna(0)
    po["day"] = gap.groupby(po["user_id"], sort=False).cumsum()

    users = by_user.agg(u_orders=("order_number", "size"), u_days_mean=("days_since_prior_order", "mean"),
                        day_n=("day", "last"))
    stage("prior orders")

    # --- target order (train or test) header
    target = orders.loc[orders["eval_set"] != "prior",
                        ["order_id", "user_id", "eval_set", "days_since_prior_order", "order_dow", "order_hour_of_day"]]
    target = target.rename(columns={"days_since_prior_order": "t_days", "order_dow": "t_dow",
                                    "order_hour_of_day": "t_hour"}).set_index("user_id")
    del orders

    # --- prior rows with their order's user, position and day, in (user, t) order
    rows = po.drop(columns="days_since_prior_order").merge(prior, on="order_id", how="inner")
    del po, prior
    # A product listed twice in one order counts once as an order (k, in_last5, streak, repeat users).
    rows["first_in_order"] = ~rows.duplicated(["order_id", "product_id"])
    stage("rows merge, duplicates")

    # --- product features, over all users' prior rows
    prod = rows.groupby("product_id").agg(p_orders=("order_id", "size"), p_reorders=("reordered", "sum"),
                                          p_cart_mean=("add_to_cart_order", "mean"))
    prod["p_reorder_ratio"] = prod["p_reorders"] / prod["p_orders"]

    # --- user features from rows
    users["u_items"] = rows.groupby("user_id", sort=False).size()
    users["u_reorder_ratio"] = rows.loc[rows["order_number"] > 1].groupby("user_id", sort=False)["reordered"].mean()
    users["u_basket_last"] = rows.loc[rows["t"] == rows["n"]].groupby("user_id", sort=False).size()
    users["u_basket_last"] = users["u_basket_last"].fillna(0)
    stage("product, user features")

    # --- user x product, over every user's prior rows; pair = group number in (user_id, product_id) order
    rows["pair"] = rows.groupby(["user_id", "product_id"]).ngroup()
    stage("pair numbers")
    # Trailing streak: walking the pair's orders from the newest, the j-th newest (0-based) is in the
    # streak exactly when it is the user's j-th newest prior order (N - t == j); 0 if order N lacks it.
    firsts = rows if rows["first_in_order"].all() else rows.loc[rows["first_in_order"]]
    newest = firsts.groupby("pair").cumcount(ascending=False)
    in_streak = (firsts["n"] - firsts["t"]) == newest
    rows["in_streak"] = in_streak if firsts is rows else in_streak.reindex(rows.index, fill_value=False)
    rows["in_last5"] = rows["first_in_order"] & (rows["t"] > rows["n"] - 5)
    del firsts, newest, in_streak
    stage("streak ranks")
    up = rows.groupby("pair").agg(
        user_id=("user_id", "first"), product_id=("product_id", "first"),
        up_orders=("first_in_order", "sum"), up_first=("order_number", "first"), up_last=("order_number", "last"),
        day_first=("day", "first"), day_last=("day", "last"), up_cart_mean=("add_to_cart_order", "mean"),
        up_in_last5=("in_last5", "sum"), up_streak=("in_streak", "sum"))
    del rows
    up = up.astype({name: f32 for name in up.columns if name.startswith("up_")})
    stage("pair aggregation")

    buyers = up.groupby("product_id")["up_orders"]
    prod["p_users"] = buyers.size()
    prod["p_repeat_users_ratio"] = (up["up_orders"] >= 2).groupby(up["product_id"]).mean()
    prod = prod.join(products.set_index("product_id"), how="left").astype(f32)
    users["u_distinct"] = up.groupby("user_id").size()
    users["u_basket_mean"] = users["u_items"] / users["u_orders"]
    users = users.join(target, how="inner")
    is_train = users["eval_set"] == "train"
    users = users.drop(columns=["eval_set", "order_id"]).astype(f32).assign(
        day_n=users["day_n"], is_train=is_train)        # day(N) stays float64, like the days below
    stage("product users, user table")

    # --- candidates: the pairs of users with a target order, in (user_id, product_id) order
    cand = up.merge(users, left_on="user_id", right_index=True, how="inner")
    del up
    cand = cand.merge(prod, left_on="product_id", right_index=True, how="left")
    stage("candidate joins")

    k = cand["up_orders"].astype("float64")
    n = cand["u_orders"].astype("float64")
    cand["up_rate"] = (k / n).astype(f32)
    cand["up_orders_since_last"] = (n - cand["up_last"]).astype(f32)
    cand["up_rate_since_first"] = (k / (n - cand["up_first"] + 1)).astype(f32)
    since_last = cand["day_n"] - cand["day_last"] + cand["t_days"].astype("float64")
    interval = ((cand["day_last"] - cand["day_first"]) / (k - 1)).where(k > 1)
    cand["up_days_since_last"] = since_last.astype(f32)
    cand["up_interval_mean"] = interval.astype(f32)
    cand["up_due_ratio"] = (since_last / interval).where(interval > 0).astype(f32)
    del k, n, since_last, interval
    stage("derived features")

    # --- label: 1 if in the user's train order, 0 if not, NaN for test users
    bought = train.merge(target.reset_index()[["order_id", "user_id"]], on="order_id")[KEYS].drop_duplicates()
    in_train = cand[KEYS].merge(bought.assign(in_train=f32(1)), on=KEYS, how="left")["in_train"]
    cand["y"] = in_train.fillna(0).where(cand["is_train"].to_numpy()).to_numpy(f32)
    stage("label")

    # up came out of groupby in (user_id, product_id) order and the merges keep the left order;
    # check that rather than pay for a sort of the whole matrix.
    if not (cand["user_id"].astype("int64") * 2**32 + cand["product_id"]).is_monotonic_increasing:
        cand = cand.sort_values(KEYS)
    out = cand[KEYS + FEATURES + ["y"]].astype({name: f32 for name in FEATURES}).reset_index(drop=True)
    stage("select columns")
    return out


def write(matrix: pd.DataFrame, path: str) -> None:
    if path.endswith(".npy"):
        # float32, shape (rows, 2 + features + 1), column-major (Fortran order), columns = COLUMNS;
        # filled column by column so that writing needs no second copy of the matrix.
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(len(matrix), len(COLUMNS)),
                                        fortran_order=True)
        for j, name in enumerate(COLUMNS):
            out[:, j] = matrix[name].to_numpy(np.float32)
        out.flush()
        del out
    elif path.endswith(".parquet"):
        matrix[COLUMNS].to_parquet(path, index=False)
    else:
        matrix[COLUMNS].to_csv(path, index=False, na_rep="", float_format="%.9g")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--out", help="write the matrix: .npy (float32 column-major), .csv or .parquet")
    parser.add_argument("--verbose", action="store_true", help="print each stage's seconds and RSS to stderr")
    args = parser.parse_args()

    start = time.perf_counter()
    tables = read(args.data_dir)
    read_done = time.perf_counter()
    matrix = build(tables, stage=Stages(args.verbose))
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; before --out
    if args.out:
        write(matrix, args.out)
    print(json.dumps({"peer": "pandas", "seconds_read": round(read_done - start, 3),
                      "seconds_features": round(done - read_done, 3), "seconds_total": round(done - start, 3),
                      "rows": int(len(matrix)), "peak_rss_mb": round(peak_mb, 1)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
