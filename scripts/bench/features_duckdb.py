#!/usr/bin/env python3
"""Benchmark peer: Restock's reorder feature matrix as SQL in DuckDB.

    python features_duckdb.py DATA_DIR [--out FILE.npy|.csv|.parquet] [--threads 2]

Same matrix as features_pandas.py and `restock features` (TASK.md "Features", "Candidates and
label", plus the four extras of Sources/Features/Building/ReorderFeature.swift): one row per
(user, product bought in a prior order) for every user with a train or test order, ordered by
user_id, product_id; y = 1/0 for train users, NULL (NaN) for test users.

Prints one JSON line {"peer":"duckdb","seconds_read":..,"seconds_features":..,"seconds_total":..,
"rows":..,"peak_rss_mb":..}. The CSVs are loaded into in-memory tables with explicit types
(seconds_read); the matrix is materialised as a table (seconds_features). --out is not timed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import duckdb
import numpy as np

FEATURES = [
    "u_orders", "u_items", "u_distinct", "u_reorder_ratio", "u_basket_mean", "u_days_mean",
    "t_days", "t_dow", "t_hour",
    "p_orders", "p_reorders", "p_reorder_ratio", "p_users", "p_repeat_users_ratio", "p_cart_mean",
    "aisle_id", "department_id",
    "up_orders", "up_first", "up_last", "up_cart_mean", "up_rate", "up_orders_since_last",
    "up_rate_since_first", "up_days_since_last", "up_in_last5",
    "u_basket_last", "up_streak", "up_interval_mean", "up_due_ratio",
]
COLUMNS = ["user_id", "product_id"] + FEATURES + ["y"]

LOAD = """
CREATE TABLE orders AS SELECT * FROM read_csv('{dir}/orders.csv', header = true, delim = ',', quote = '"',
    columns = {{'order_id': 'INTEGER', 'user_id': 'INTEGER', 'eval_set': 'VARCHAR', 'order_number': 'SMALLINT',
               'order_dow': 'TINYINT', 'order_hour_of_day': 'TINYINT', 'days_since_prior_order': 'FLOAT'}});
CREATE TABLE prior AS SELECT * FROM read_csv('{dir}/order_products__prior.csv', header = true, delim = ',',
    columns = {{'order_id': 'INTEGER', 'product_id': 'INTEGER', 'add_to_cart_order': 'SMALLINT',
               'reordered': 'TINYINT'}});
CREATE TABLE train AS SELECT order_id, product_id FROM read_csv('{dir}/order_products__train.csv', header = true,
    delim = ',', columns = {{'order_id': 'INTEGER', 'product_id': 'INTEGER', 'add_to_cart_order': 'SMALLINT',
                            'reordered': 'TINYINT'}});
CREATE TABLE products AS SELECT product_id, aisle_id, department_id FROM read_csv('{dir}/products.csv',
    header = true, delim = ',', quote = '"', escape = '"',
    columns = {{'product_id': 'INTEGER', 'product_name': 'VARCHAR', 'aisle_id': 'SMALLINT',
               'department_id': 'SMALLINT'}});
"""

# Notation: a user's prior orders have positions t = 1..n by order_number; day(t) = sum of the
# days_since_prior_order of orders 2..t; k = up_orders.
FEATURES_SQL = """
CREATE TABLE matrix AS
WITH po0 AS (
    SELECT order_id, user_id, order_number, CAST(days_since_prior_order AS DOUBLE) AS gap,
           row_number() OVER (PARTITION BY user_id ORDER BY order_number) AS t,
           count(*) OVER (PARTITION BY user_id) AS n
    FROM orders WHERE eval_set = 'prior'
), po AS (
    SELECT *, sum(CASE WHEN t > 1 THEN coalesce(gap, 0) ELSE 0 END)
                  OVER (PARTITION BY user_id ORDER BY t ROWS UNBOUNDED PRECEDING) AS day
    FROM po0
), tgt AS (
    SELECT user_id, order_id, eval_set, days_since_prior_order AS t_days, order_dow AS t_dow,
           order_hour_of_day AS t_hour
    FROM orders WHERE eval_set <> 'prior'
), rows AS (
    SELECT po.user_id, po.order_number, po.t, po.n, po.day, p.product_id, p.add_to_cart_order, p.reordered,
           -- dense: a product listed twice in one order counts once as an order
           dense_rank() OVER (PARTITION BY po.user_id, p.product_id ORDER BY po.t DESC) AS newest
    FROM po JOIN prior p USING (order_id)
), up AS (
    -- newest = 1 for the pair's latest order, k for its first, so k = max(newest); the trailing
    -- streak and the last-5 orders are prefixes in newest order, so their sizes are maxima too.
    SELECT user_id, product_id,
           max(newest) AS up_orders,
           min(order_number) AS up_first,
           max(order_number) AS up_last,
           arg_min(day, t) AS day_first,
           arg_max(day, t) AS day_last,
           avg(add_to_cart_order) AS up_cart_mean,
           coalesce(max(newest) FILTER (WHERE t > n - 5), 0) AS up_in_last5,
           coalesce(max(newest) FILTER (WHERE n - t = newest - 1), 0) AS up_streak
    FROM rows GROUP BY user_id, product_id
), usr AS (
    SELECT user_id, count(*) AS u_orders, avg(gap) AS u_days_mean, arg_max(day, t) AS day_n
    FROM po GROUP BY user_id
), usr_rows AS (
    SELECT user_id, count(*) AS u_items,
           avg(reordered) FILTER (WHERE order_number > 1) AS u_reorder_ratio,
           count(*) FILTER (WHERE t = n) AS u_basket_last
    FROM rows GROUP BY user_id
), usr_distinct AS (
    SELECT user_id, count(*) AS u_distinct FROM up GROUP BY user_id
), prod_rows AS (
    SELECT product_id, count(*) AS p_orders, sum(reordered) AS p_reorders, avg(add_to_cart_order) AS p_cart_mean
    FROM prior GROUP BY product_id
), prod_users AS (
    SELECT product_id, count(*) AS p_users, avg(CASE WHEN up_orders >= 2 THEN 1.0 ELSE 0.0 END) AS p_repeat_users_ratio
    FROM up GROUP BY product_id
), bought AS (
    SELECT DISTINCT tgt.user_id, train.product_id, 1 AS in_train
    FROM train JOIN tgt USING (order_id)
), cand AS (
    SELECT up.*, usr.u_orders, usr.u_days_mean, usr.day_n, usr_rows.u_items, usr_rows.u_reorder_ratio,
           usr_rows.u_basket_last, usr_distinct.u_distinct,
           tgt.eval_set, tgt.t_days, tgt.t_dow, tgt.t_hour,
           prod_rows.p_orders, prod_rows.p_reorders, prod_rows.p_cart_mean,
           prod_users.p_users, prod_users.p_repeat_users_ratio,
           products.aisle_id, products.department_id, bought.in_train,
           usr.day_n - up.day_last + tgt.t_days AS up_days_since_last,
           CASE WHEN up.up_orders > 1 THEN (up.day_last - up.day_first) / (up.up_orders - 1) END AS up_interval_mean
    FROM up
    JOIN tgt USING (user_id)
    JOIN usr USING (user_id)
    JOIN usr_rows USING (user_id)
    JOIN usr_distinct USING (user_id)
    JOIN prod_rows USING (product_id)
    JOIN prod_users USING (product_id)
    LEFT JOIN products USING (product_id)
    LEFT JOIN bought USING (user_id, product_id)
)
SELECT user_id, product_id,
       CAST(u_orders AS FLOAT) AS u_orders,
       CAST(u_items AS FLOAT) AS u_items,
       CAST(u_distinct AS FLOAT) AS u_distinct,
       CAST(u_reorder_ratio AS FLOAT) AS u_reorder_ratio,
       CAST(u_items / u_orders AS FLOAT) AS u_basket_mean,
       CAST(u_days_mean AS FLOAT) AS u_days_mean,
       CAST(t_days AS FLOAT) AS t_days,
       CAST(t_dow AS FLOAT) AS t_dow,
       CAST(t_hour AS FLOAT) AS t_hour,
       CAST(p_orders AS FLOAT) AS p_orders,
       CAST(p_reorders AS FLOAT) AS p_reorders,
       CAST(p_reorders / p_orders AS FLOAT) AS p_reorder_ratio,
       CAST(p_users AS FLOAT) AS p_users,
       CAST(p_repeat_users_ratio AS FLOAT) AS p_repeat_users_ratio,
       CAST(p_cart_mean AS FLOAT) AS p_cart_mean,
       CAST(aisle_id AS FLOAT) AS aisle_id,
       CAST(department_id AS FLOAT) AS department_id,
       CAST(up_orders AS FLOAT) AS up_orders,
       CAST(up_first AS FLOAT) AS up_first,
       CAST(up_last AS FLOAT) AS up_last,
       CAST(up_cart_mean AS FLOAT) AS up_cart_mean,
       CAST(up_orders / u_orders AS FLOAT) AS up_rate,
       CAST(u_orders - up_last AS FLOAT) AS up_orders_since_last,
       CAST(up_orders / (u_orders - up_first + 1) AS FLOAT) AS up_rate_since_first,
       CAST(up_days_since_last AS FLOAT) AS up_days_since_last,
       CAST(up_in_last5 AS FLOAT) AS up_in_last5,
       CAST(u_basket_last AS FLOAT) AS u_basket_last,
       CAST(up_streak AS FLOAT) AS up_streak,
       CAST(up_interval_mean AS FLOAT) AS up_interval_mean,
       CAST(CASE WHEN up_interval_mean > 0 THEN up_days_since_last / up_interval_mean END AS FLOAT) AS up_due_ratio,
       CAST(CASE WHEN eval_set = 'train' THEN coalesce(in_train, 0) END AS FLOAT) AS y
FROM cand
ORDER BY user_id, product_id
"""


def write(con: duckdb.DuckDBPyConnection, path: str) -> None:
    if path.endswith(".npy"):
        # float32, shape (rows, 2 + features + 1), column-major (Fortran order), columns = COLUMNS; NULL -> NaN.
        rows = con.sql("SELECT count(*) FROM matrix").fetchall()[0][0]
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, len(COLUMNS)),
                                        fortran_order=True)
        for j, name in enumerate(COLUMNS):      # one column at a time: no second copy of the matrix
            column = con.sql(f"SELECT {name} FROM matrix").fetchnumpy()[name]
            out[:, j] = np.ma.filled(np.ma.asarray(column).astype(np.float32), np.nan)
        out.flush()
        del out
    elif path.endswith(".parquet"):
        con.sql(f"COPY matrix TO '{path}' (FORMAT parquet)")
    else:
        con.sql(f"COPY matrix TO '{path}' (FORMAT csv, HEADER true, NULLSTR '')")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--out", help="write the matrix: .npy (float32 column-major), .csv or .parquet")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", help="DuckDB memory_limit, e.g. 8GB (default: DuckDB's, 80%% of RAM)")
    args = parser.parse_args()

    con = duckdb.connect()
    con.sql(f"SET threads = {args.threads}")
    if args.memory_limit:
        con.sql(f"SET memory_limit = '{args.memory_limit}'")
    start = time.perf_counter()
    con.sql(LOAD.format(dir=os.path.abspath(args.data_dir).replace("'", "''")))
    read_done = time.perf_counter()
    con.sql(FEATURES_SQL)
    done = time.perf_counter()
    rows = con.sql("SELECT count(*) FROM matrix").fetchall()[0][0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; before --out
    if args.out:
        write(con, args.out)
    print(json.dumps({"peer": "duckdb", "seconds_read": round(read_done - start, 3),
                      "seconds_features": round(done - read_done, 3), "seconds_total": round(done - start, 3),
                      "rows": int(rows), "peak_rss_mb": round(peak_mb, 1), "threads": args.threads,
                      "memory_limit": con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
