#!/usr/bin/env python3
"""Grows one Restock tree and one scikit-learn tree on the same rows, bootstrap and bin codes, and
compares them node by node: evidence that Restock's histogram grower makes scikit-learn's splits.

    tree_vs_sklearn.py MATRIX.csv [--restock PATH] [--seed 0] [--min-samples-leaf 5]

MATRIX.csv is a labelled CSV matrix (user_id,product_id,<features>,y; every row labelled), e.g. one
written by `restock features --out FILE.csv` with its unlabelled rows removed. Steps:
1. `restock train --trees 1 --max-features <all>` (no feature sampling, so only ties can differ);
2. the tree's bootstrap counts are re-drawn here exactly as Restock draws them (SplitMix64 tree seed =
   first output of the master seed's stream; n draws of Lemire's bounded integer);
3. the features are coded with the model's own bin edges (BINS section, models/FORMAT.md);
4. sklearn.tree.DecisionTreeRegressor(max_features=None, min_samples_leaf) is fitted on the codes
   with the counts as sample weights;
5. both trees are walked together over the in-bag rows. At each node pair holding the same rows, the
   two splits either give the same partition ("same"), or different partitions whose impurity
   decreases are equal to 1e-9 ("tie": the walk stops there), or one is strictly better.
Expected: "better" 0 for both sides and no leaf/split mismatch; ties are broken by feature order,
which the two implementations draw differently.
"""
import argparse, os, struct, subprocess, sys, tempfile
import numpy as np

M64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed): self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def bounded(self, bound):
        m = self.next() * bound
        if (m & M64) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & M64) < threshold:
                m = self.next() * bound
        return m >> 64


def read_model(path):
    """Bin edges per feature and the first tree's arrays (models/FORMAT.md, version 1)."""
    data = open(path, "rb").read()
    sections, offset = {}, 32
    for _ in range(struct.unpack_from("<I", data, 12)[0]):
        tag, length = data[offset:offset + 4].decode(), struct.unpack_from("<Q", data, offset + 8)[0]
        sections[tag] = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        offset += (-offset) % 8
    bins, edges, o = sections["BINS"], [], 4
    for _ in range(struct.unpack_from("<I", bins, 0)[0]):
        k = struct.unpack_from("<I", bins, o)[0]
        edges.append(np.frombuffer(bins, np.float32, k, o + 4))
        o += 4 + 4 * k
    tree = sections["TREE"]
    count, _, total = struct.unpack_from("<IIQ", tree, 0)
    o = 16 + 4 * count
    o += (-o) % 8
    arrays = {}
    for name, dtype, size in [("feature", np.int32, 4), ("threshold", np.float32, 4), ("left", np.int32, 4),
                              ("right", np.int32, 4), ("value", np.float32, 4), ("bin", np.uint8, 1),
                              ("missing_left", np.uint8, 1)]:
        arrays[name] = np.frombuffer(tree, dtype, total, o)
        o += size * total
    return edges, arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("matrix")
    parser.add_argument("--restock", default=os.path.join(os.path.dirname(__file__), "../../.build/release/restock"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-samples-leaf", type=int, default=5)
    args = parser.parse_args()
    import pandas as pd
    from sklearn.tree import DecisionTreeRegressor
    frame = pd.read_csv(args.matrix)
    features = [c for c in frame.columns if c not in ("user_id", "product_id", "y")]
    X = frame[features].to_numpy(np.float32)
    y = frame["y"].to_numpy(np.float64)
    if np.isnan(y).any():
        sys.exit("error: every row must be labelled (remove the rows with an empty y)")
    model = os.path.join(tempfile.mkdtemp(), "one.rf")
    subprocess.run([args.restock, "train", "--matrix", args.matrix, "--trees", "1", "--max-features", str(len(features)),
                    "--min-samples-leaf", str(args.min_samples_leaf), "--seed", str(args.seed), "--threads", "1",
                    "--model", model], check=True, capture_output=True)
    edges, tree = read_model(model)
    n = len(y)
    rng = SplitMix64(SplitMix64(args.seed).next())
    weights = np.zeros(n)
    for _ in range(n):
        weights[rng.bounded(n)] += 1
    codes = np.empty_like(X)
    for j in range(X.shape[1]):
        c = np.searchsorted(edges[j], X[:, j], side="left").astype(np.float32)
        c[np.isnan(X[:, j])] = np.nan
        codes[:, j] = c
    sk = DecisionTreeRegressor(max_features=None, min_samples_leaf=args.min_samples_leaf, random_state=args.seed)
    sk = sk.fit(codes, y, sample_weight=weights).tree_

    def proxy(mask):
        w = weights[mask].sum()
        s = (weights[mask] * y[mask]).sum()
        return s * s / w if w > 0 else 0.0

    def decrease(rows, left):
        return proxy(rows & left) + proxy(rows & ~left) - proxy(rows)

    def goes_left(feature, bin_, missing_left):
        column = codes[:, feature]
        return np.where(np.isnan(column), missing_left, column <= bin_)

    counts = dict(same=0, tie=0, restock_better=0, sklearn_better=0, leaf_mismatch=0)
    stack = [(0, 0, weights > 0)]
    while stack:
        a, b, rows = stack.pop()
        a_leaf, b_leaf = tree["feature"][a] < 0, sk.feature[b] < 0
        if a_leaf or b_leaf:
            counts["leaf_mismatch"] += int(a_leaf != b_leaf)
            continue
        left_a = goes_left(tree["feature"][a], tree["bin"][a], tree["missing_left"][a] == 1)
        left_b = goes_left(sk.feature[b], sk.threshold[b], sk.missing_go_to_left[b] == 1)
        if np.array_equal(rows & left_a, rows & left_b) or np.array_equal(rows & left_a, rows & ~left_b):
            counts["same"] += 1
            lb, rb = sk.children_left[b], sk.children_right[b]
            if not np.array_equal(rows & left_a, rows & left_b):
                lb, rb = rb, lb
            stack.append((tree["left"][a], lb, rows & left_a))
            stack.append((tree["right"][a], rb, rows & ~left_a))
            continue
        da, db = decrease(rows, left_a), decrease(rows, left_b)
        if abs(da - db) <= 1e-9 * max(1.0, abs(da)):
            counts["tie"] += 1
        elif da > db:
            counts["restock_better"] += 1
        else:
            counts["sklearn_better"] += 1
    print(f"{n} rows, {len(features)} features, {int((weights > 0).sum())} in bag; restock tree "
          f"{(tree['feature'] < 0).sum()} leaves, scikit-learn tree {sk.n_leaves} leaves")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0 if counts["restock_better"] == counts["sklearn_better"] == counts["leaf_mismatch"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
