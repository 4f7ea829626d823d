#!/usr/bin/env python3
"""Writes a full-scale-shaped Instacart folder quickly (numpy + duckdb), for reader benchmarks only.

Structure is valid (users' orders numbered 1..N, last order train or test, order_products only for
prior/train orders, days_since_prior empty for first orders and written as `15.0`, some product names
with commas and doubled quotes), but the purchase behaviour is NOT calibrated: use the project's
generator for anything statistical.

  /tmp/venv/bin/python scripts/bench/make_full_shaped.py OUTDIR [--users 206209] [--seed 0]
"""
import argparse
import os

import duckdb
import numpy as np
import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--users", type=int, default=206209)
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
rng = np.random.default_rng(a.seed)
U = a.users
P, A, D = 49688, 134, 21

# orders per user: 4 + NegBin(mean 12.74, size 0.504), capped at 100 (mean ~16.6)
size = 0.504
n = np.minimum(100, 4 + rng.negative_binomial(size, size / (size + 12.74), U)).astype(np.int64)
total = int(n.sum())
user = np.repeat(np.arange(1, U + 1, dtype=np.int32), n)
start = np.repeat(np.cumsum(n) - n, n)
onum = (np.arange(total) - start + 1).astype(np.int32)
last = onum == np.repeat(n, n)
test_users = np.zeros(U + 1, bool)
test_users[rng.choice(np.arange(1, U + 1), size=min(75000, U * 75000 // 206209), replace=False)] = True
eval_set = np.where(last, np.where(test_users[user], "test", "train"), "prior")
gap_pmf = np.array([.021, .045, .06, .067, .069, .067, .075, .10, .057, .04, .033] + [.02] * 19 + [.115])
gap_pmf /= gap_pmf.sum()
gap = rng.choice(31, size=total, p=gap_pmf).astype(np.float64)
first = onum == 1
gap[first] = np.nan
dow_step = np.where(first, rng.integers(0, 7, total), np.nan_to_num(gap)).astype(np.int64)
seg = np.cumsum(dow_step)
seg_start = np.repeat(seg[np.cumsum(n) - n] - dow_step[np.cumsum(n) - n], n)
dow = ((seg - seg_start) % 7).astype(np.int8)
hour_pmf = np.array([.0067, .0036, .0022, .0016, .0016, .0028, .0089, .0269, .0521, .0754, .0843, .0832,
                     .0798, .0813, .0827, .0829, .0797, .0669, .0535, .0411, .0305, .0228, .0180, .0117])
hour = rng.choice(24, size=total, p=hour_pmf / hour_pmf.sum()).astype(np.int8)
order_id = (rng.permutation(total) + 1).astype(np.int32)
orders = pd.DataFrame({"order_id": order_id, "user_id": user, "eval_set": eval_set, "order_number": onum,
                       "order_dow": dow, "order_hour_of_day": hour, "days_since_prior_order": gap})

# baskets for prior and train orders: 1 + NegBin(mean 9.1, size 2)
has_items = eval_set != "test"
k = np.where(has_items, 1 + rng.negative_binomial(2.0, 2.0 / 11.1, total), 0).astype(np.int64)
rows = int(k.sum())
row_order = np.repeat(np.arange(total), k)
row_start = np.repeat(np.cumsum(k) - k, k)
cart = (np.arange(rows) - row_start + 1).astype(np.int16)
weights = 1.0 / (np.arange(P) + 8.0) ** 1.05
pid_of_rank = rng.permutation(P) + 1
product = pid_of_rank[rng.choice(P, size=rows, p=weights / weights.sum())].astype(np.int32)
reordered = ((onum[row_order] > 1) & (rng.random(rows) < 0.65)).astype(np.int8)
items = pd.DataFrame({"order_id": order_id[row_order], "product_id": product, "add_to_cart_order": cart,
                      "reordered": reordered})
is_prior = eval_set[row_order] == "prior"
prior = items[is_prior]
train = items[~is_prior]

names = np.array([f"Product {i}" for i in range(1, P + 1)], dtype=object)
names[::50] = [f'Product {i}, "Family" Size' for i in range(1, P + 1, 50)]
products = pd.DataFrame({"product_id": np.arange(1, P + 1), "product_name": names,
                         "aisle_id": rng.integers(1, A + 1, P), "department_id": rng.integers(1, D + 1, P)})
aisles = pd.DataFrame({"aisle_id": np.arange(1, A + 1), "aisle": [f"aisle {i}" for i in range(1, A + 1)]})
departments = pd.DataFrame({"department_id": np.arange(1, D + 1), "department": [f"dept {i}" for i in range(1, D + 1)]})

con = duckdb.connect()
def copy(df, name, order=""):
    con.register("t", df)
    con.execute(f"COPY (SELECT * FROM t {order}) TO '{os.path.join(a.out, name)}' (HEADER, DELIMITER ',')")
    con.unregister("t")
copy(aisles, "aisles.csv")
copy(departments, "departments.csv")
copy(products, "products.csv")
copy(orders, "orders.csv")
copy(prior, "order_products__prior.csv", "ORDER BY order_id, add_to_cart_order")
copy(train, "order_products__train.csv", "ORDER BY order_id, add_to_cart_order")
print(f"users {U} orders {total} prior rows {int(is_prior.sum())} train rows {int((~is_prior).sum())}")
