#!/usr/bin/env python3
"""Converts a make_matrix.py split (S.X.f32 row-major + S.y.f32 + S.json) into a Restock binary
matrix (RSTKMAT1, models/FORMAT.md): same float32 values, columns transposed to column-major.

Usage: rf_to_rstkmat.py DATA_DIR SPLIT OUT_FILE
"""
import json
import os
import struct
import sys

import numpy as np


def main():
    data, split, out = sys.argv[1:4]
    with open(os.path.join(data, f"{split}.json")) as f:
        meta = json.load(f)
    n, p = meta["rows"], meta["cols"]
    X = np.fromfile(os.path.join(data, meta["files"]["X"]), dtype="<f4", count=n * p).reshape(n, p)
    y = np.fromfile(os.path.join(data, meta["files"]["y"]), dtype="<f4", count=n)
    header = json.dumps({"features": meta["columns"], "keys": [], "rows": n, "target": meta["target"]},
                        sort_keys=True, separators=(",", ":")).encode()
    with open(out + ".partial", "wb") as f:
        f.write(b"RSTKMAT1")
        f.write(struct.pack("<I", len(header)))
        f.write(header)
        for j in range(p):  # column-major, one column at a time (bounded memory)
            f.write(np.ascontiguousarray(X[:, j]).astype("<f4").tobytes())
        f.write(y.astype("<f4").tobytes())
    os.replace(out + ".partial", out)


if __name__ == "__main__":
    main()
