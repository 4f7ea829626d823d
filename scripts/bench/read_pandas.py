#!/usr/bin/env python3
"""Peer for scripts/bench/read: pandas.read_csv of the six Instacart files with explicit dtypes.

Prints the wall time of reading all six files and the process's peak RSS:
  pandas_load_seconds 6.123
  pandas_peak_rss_kb 2345678
(no checks of the data beyond what read_csv does; default C engine)
"""
import os
import resource
import sys
import time

import pandas as pd

d = sys.argv[1]
ID = "int32"
dtypes = {
    "aisles.csv": {"aisle_id": ID, "aisle": "object"},
    "departments.csv": {"department_id": ID, "department": "object"},
    "products.csv": {"product_id": ID, "product_name": "object", "aisle_id": ID, "department_id": ID},
    "orders.csv": {"order_id": ID, "user_id": ID, "eval_set": "category", "order_number": "int16",
                   "order_dow": "int8", "order_hour_of_day": "int8", "days_since_prior_order": "float32"},
    "order_products__prior.csv": {"order_id": ID, "product_id": ID, "add_to_cart_order": "int16", "reordered": "int8"},
    "order_products__train.csv": {"order_id": ID, "product_id": ID, "add_to_cart_order": "int16", "reordered": "int8"},
}
start = time.perf_counter()
frames = {name: pd.read_csv(os.path.join(d, name), dtype=types) for name, types in dtypes.items()}
seconds = time.perf_counter() - start
rows = sum(len(f) for f in frames.values())
print(f"pandas_rows {rows}")
print(f"pandas_load_seconds {seconds:.3f}")
print(f"pandas_peak_rss_kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
