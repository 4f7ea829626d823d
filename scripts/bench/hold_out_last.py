#!/usr/bin/env python3
"""Writes the history H of a data folder D: D minus each user's last K prior orders.

The held-out orders are exactly what `restock publish --data D --last K` sends, so streaming them
onto an ingest of H gives D again (issue 13's "live equals batch" split: nothing is renumbered; the
users' train/test orders stay in H). Catalog files are copied; order_products__train is copied; the
held-out order_ids go to OUT_DIR/held_out_order_ids.txt, one a line.

H's order numbers have gaps (a user's train order keeps its number), which `restock ingest` refuses
(a user's orders must be numbered 1...N); scripts/bench/stream therefore ingests D and deletes the
held-out orders in ClickHouse (ALTER TABLE ... DELETE), which gives the same tables.

Usage: hold_out_last.py DATA_DIR K OUT_DIR    (plain Python; ~1 minute at 100,000 users)
"""
import csv
import os
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    for name in ("aisles", "departments", "products", "order_products__train"):
        shutil.copyfile(os.path.join(data, f"{name}.csv"), os.path.join(out, f"{name}.csv"))
    with open(os.path.join(data, "orders.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    user, evalset, number = header.index("user_id"), header.index("eval_set"), header.index("order_number")
    prior_numbers = {}
    for row in rows:
        if row[evalset] == "prior":
            prior_numbers.setdefault(row[user], []).append(int(row[number]))
    # numbers >= cut are held out (every prior order of a user with fewer than K)
    cut = {u: sorted(ns)[-min(k, len(ns))] for u, ns in prior_numbers.items()}
    held = set()
    with open(os.path.join(out, "orders.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            if row[evalset] == "prior" and int(row[number]) >= cut[row[user]]:
                held.add(row[0])
            else:
                w.writerow(row)
    with open(os.path.join(data, "order_products__prior.csv")) as src, \
            open(os.path.join(out, "order_products__prior.csv"), "w") as dst:
        dst.write(src.readline())
        for line in src:
            if line[:line.index(",")] not in held:
                dst.write(line)
    with open(os.path.join(out, "held_out_order_ids.txt"), "w") as f:
        f.write("".join(f"{o}\n" for o in sorted(held, key=int)))
    print(f"held out {len(held)} prior orders of {len(cut)} users; wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
