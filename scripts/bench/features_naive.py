#!/usr/bin/env python3
"""Naive twin of the feature peers: the reorder matrix from plain Python loops, one user at a time,
written straight from the definitions in Sources/Features/Building/ReorderFeature.swift. Slow
(small data only: ~1 s per 1,000 users); it exists to check features_pandas.py and
features_duckdb.py, whose vectorised tricks (streak by rank, day by cumulative sum) it avoids.

    python features_naive.py DATA_DIR --out FILE.csv [--users N]   # N: only the first N users

Standard library only. Writes the CSV layout compare_matrix.py reads.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import struct
from collections import defaultdict

FEATURES = [
    "u_orders", "u_items", "u_distinct", "u_reorder_ratio", "u_basket_mean", "u_days_mean",
    "t_days", "t_dow", "t_hour",
    "p_orders", "p_reorders", "p_reorder_ratio", "p_users", "p_repeat_users_ratio", "p_cart_mean",
    "aisle_id", "department_id",
    "up_orders", "up_first", "up_last", "up_cart_mean", "up_rate", "up_orders_since_last",
    "up_rate_since_first", "up_days_since_last", "up_in_last5",
    "u_basket_last", "up_streak", "up_interval_mean", "up_due_ratio",
]
NAN = float("nan")


def rows_of(path):
    with open(path, newline="") as f:
        yield from csv.DictReader(f)


def f32(x: float) -> float:
    """x rounded to float32, as the matrix stores it."""
    return NAN if math.isnan(x) else struct.unpack("f", struct.pack("f", x))[0]


def mean(values):
    return sum(values) / len(values) if values else NAN


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, default=0, help="only the first N users by user_id (0 = all)")
    args = parser.parse_args()
    path = lambda name: os.path.join(args.data_dir, name)

    orders = {}                      # order_id -> dict
    by_user = defaultdict(list)
    for r in rows_of(path("orders.csv")):
        o = {"id": int(r["order_id"]), "user": int(r["user_id"]), "set": r["eval_set"],
             "number": int(r["order_number"]), "dow": int(r["order_dow"]), "hour": int(r["order_hour_of_day"]),
             "days": float(r["days_since_prior_order"]) if r["days_since_prior_order"] != "" else NAN,
             "items": []}
        orders[o["id"]] = o
        by_user[o["user"]].append(o)
    for r in rows_of(path("order_products__prior.csv")):
        orders[int(r["order_id"])]["items"].append(
            (int(r["product_id"]), int(r["add_to_cart_order"]), int(r["reordered"])))
    train_products = defaultdict(set)
    for r in rows_of(path("order_products__train.csv")):
        train_products[int(r["order_id"])].add(int(r["product_id"]))
    aisle, department = {}, {}
    for r in rows_of(path("products.csv")):
        aisle[int(r["product_id"])] = int(r["aisle_id"])
        department[int(r["product_id"])] = int(r["department_id"])

    # Product totals over every user's prior rows.
    p_rows, p_reorders, p_cart = defaultdict(int), defaultdict(int), defaultdict(int)
    p_users, p_repeat = defaultdict(int), defaultdict(int)
    for user, user_orders in by_user.items():
        orders_holding = defaultdict(set)
        for o in user_orders:
            if o["set"] != "prior":
                continue
            for product, cart, reordered in o["items"]:
                p_rows[product] += 1
                p_reorders[product] += reordered
                p_cart[product] += cart
                orders_holding[product].add(o["id"])
        for product, held in orders_holding.items():
            p_users[product] += 1
            p_repeat[product] += len(held) >= 2

    with open(args.out, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["user_id", "product_id"] + FEATURES + ["y"])
        users = sorted(by_user)
        for user in users[: args.users] if args.users else users:
            all_orders = sorted(by_user[user], key=lambda o: o["number"])
            targets = [o for o in all_orders if o["set"] in ("train", "test")]
            if not targets:
                continue
            target = targets[-1]
            prior = [o for o in all_orders if o["set"] == "prior"]
            n = len(prior)
            day = [0.0] * (n + 1)        # day[t] = sum of days of orders 2..t, NaN gaps counting 0
            for t in range(2, n + 1):
                gap = prior[t - 1]["days"]
                day[t] = day[t - 1] + (0.0 if math.isnan(gap) else gap)
            items = [(t, o, item) for t, o in enumerate(prior, start=1) for item in o["items"]]
            later = [reordered for _, o, (_, _, reordered) in items if o["number"] > 1]
            gaps = [o["days"] for o in prior if not math.isnan(o["days"])]
            positions = defaultdict(list)           # product -> sorted distinct positions t holding it
            carts = defaultdict(list)
            for t, o, (product, cart, _) in items:
                if not positions[product] or positions[product][-1] != t:
                    positions[product].append(t)
                carts[product].append(cart)
            t_days = target["days"]
            user_values = [n, len(items), len(positions), mean(later), len(items) / n if n else NAN, mean(gaps),
                           t_days, target["dow"], target["hour"]]
            last_basket = len(prior[-1]["items"]) if n else 0
            for product in sorted(positions):
                ts = positions[product]
                k = len(ts)
                first, last = prior[ts[0] - 1]["number"], prior[ts[-1] - 1]["number"]
                streak = 0
                while streak < k and ts[k - 1 - streak] == n - streak:
                    streak += 1
                since = day[n] - day[ts[-1]] + t_days          # NaN when t_days is
                interval = (day[ts[-1]] - day[ts[0]]) / (k - 1) if k > 1 else NAN
                rows = p_rows[product]
                values = user_values + [
                    rows, p_reorders[product], p_reorders[product] / rows, p_users[product],
                    p_repeat[product] / p_users[product], p_cart[product] / rows,
                    aisle.get(product, NAN), department.get(product, NAN),
                    k, first, last, mean(carts[product]), k / n, n - last, k / (n - first + 1), since,
                    sum(1 for t in ts if t > n - 5),
                    last_basket, streak, interval,
                    since / interval if interval > 0 else NAN,   # NaN > 0 is False
                ]
                y = NAN if target["set"] == "test" else float(product in train_products[target["id"]])
                out.writerow([user, product] + [repr(f32(float(v))) for v in values + [y]])


if __name__ == "__main__":
    main()
