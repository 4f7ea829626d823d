#!/usr/bin/env python3
"""Writes a tiny hand-made Instacart-layout folder whose rows hit the corner cases of the reorder
features, for checking the peers and `restock features` against features_naive.py:

- user 1: a product listed twice in one order (carts 1 and 3), an empty days_since_prior_order
  after the first order, a train order holding a product never bought before;
- user 2: one prior order and a test order with an empty days_since_prior_order;
- user 3: prior orders only (counts for the product totals, has no candidates);
- user 4: an empty t_days, a first order that has a days_since_prior_order, and (unless
  --known-products-only) a product missing from products.csv;
- user 5: same-day orders (an interval of 0 days: no due ratio) and streaks of several orders.
Files are shuffled (file order is not user order); orders.csv has CRLF line ends, the prior file no
final newline, products.csv quoted names with commas and quotes.

    python make_edge_data.py OUTDIR [--known-products-only]
"""
from __future__ import annotations

import argparse
import os
import random

ORDERS = [  # order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, days_since_prior_order
    (11, 1, "prior", 1, 0, 8, ""), (12, 1, "prior", 2, 1, 9, "7.0"), (13, 1, "prior", 3, 2, 10, ""),
    (14, 1, "prior", 4, 3, 11, "3.0"), (15, 1, "train", 5, 4, 12, "5.0"),
    (21, 2, "prior", 1, 5, 13, ""), (22, 2, "test", 2, 6, 14, ""),
    (31, 3, "prior", 1, 0, 15, ""), (32, 3, "prior", 2, 1, 16, "2.0"),
    (41, 4, "prior", 1, 2, 17, "4.0"), (42, 4, "prior", 2, 3, 18, "10.0"), (43, 4, "train", 3, 4, 19, ""),
    (51, 5, "prior", 1, 5, 20, ""), (52, 5, "prior", 2, 6, 21, "0.0"), (53, 5, "prior", 3, 0, 22, "0.0"),
    (54, 5, "prior", 4, 1, 23, "6.0"), (55, 5, "prior", 5, 1, 0, "1.0"), (56, 5, "prior", 6, 2, 1, "2.0"),
    (57, 5, "prior", 7, 3, 2, "30.0"), (58, 5, "test", 8, 4, 3, "8.0"),
]
UNKNOWN = 99999
PRIOR = [  # order_id, product_id, add_to_cart_order, reordered
    (11, 10, 1, 0), (11, 20, 2, 0),
    (12, 10, 1, 1), (12, 30, 2, 0), (12, 10, 3, 1),
    (13, 20, 1, 1), (13, 30, 2, 1),
    (14, 10, 1, 1), (14, 30, 2, 1), (14, 40, 3, 0),
    (21, 10, 1, 0), (21, 50, 2, 0),
    (31, 10, 1, 0), (31, 20, 2, 0), (32, 10, 1, 1), (32, 20, 2, 1),
    (41, UNKNOWN, 1, 0), (41, 20, 2, 0), (42, UNKNOWN, 1, 1),
    (51, 10, 1, 0), (52, 10, 1, 1), (52, 20, 2, 0), (53, 10, 1, 1), (53, 20, 2, 1), (54, 30, 1, 0),
    (55, 10, 1, 1), (55, 30, 2, 1), (56, 10, 1, 1), (56, 30, 2, 1), (57, 10, 1, 1), (57, 30, 2, 1), (57, 40, 3, 0),
]
TRAIN = [(15, 10, 1, 1), (15, 60, 2, 0), (15, 30, 3, 1), (43, UNKNOWN, 1, 1)]
PRODUCTS = [(10, "Milk, whole", 1, 1), (20, '"Best" bread', 2, 2), (30, "Eggs", 3, 1), (40, 'Jam "x", y', 4, 2),
            (50, "Tea", 5, 3), (60, "New", 6, 3)]


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text) else text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--known-products-only", action="store_true",
                        help=f"use product 60 instead of {UNKNOWN} (restock rejects unknown product ids)")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    unknown = 60 if args.known_products_only else UNKNOWN
    swap = lambda rows: [(o, unknown if p == UNKNOWN else p, c, r) for o, p, c, r in rows]
    rng = random.Random(3)
    orders, prior = list(ORDERS), swap(PRIOR)
    rng.shuffle(orders)
    rng.shuffle(prior)
    line = lambda row: ",".join(map(str, row))
    with open(os.path.join(args.outdir, "orders.csv"), "w", newline="") as f:
        f.write("order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\r\n")
        f.writelines(line(o) + "\r\n" for o in orders)
    with open(os.path.join(args.outdir, "order_products__prior.csv"), "w") as f:
        f.write("order_id,product_id,add_to_cart_order,reordered\n" + "\n".join(map(line, prior)))
    with open(os.path.join(args.outdir, "order_products__train.csv"), "w") as f:
        f.write("order_id,product_id,add_to_cart_order,reordered\n" + "".join(line(r) + "\n" for r in swap(TRAIN)))
    with open(os.path.join(args.outdir, "products.csv"), "w") as f:
        f.write("product_id,product_name,aisle_id,department_id\n")
        f.writelines(f"{p},{quoted(name)},{a},{d}\n" for p, name, a, d in PRODUCTS)
    with open(os.path.join(args.outdir, "aisles.csv"), "w") as f:
        f.write("aisle_id,aisle\n" + "".join(f"{i},aisle {i}\n" for i in range(1, 7)))
    with open(os.path.join(args.outdir, "departments.csv"), "w") as f:
        f.write("department_id,department\n1,dept 1\n2,dept 2\n3,dept 3\n")


if __name__ == "__main__":
    main()
