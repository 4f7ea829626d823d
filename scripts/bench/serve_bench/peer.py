"""The peer of scripts/bench/serve: the same three endpoints as `restock serve` in the stack a Python
team would pick, FastAPI + uvicorn serving a scikit-learn RandomForestRegressor.

At start (paths from the environment, set by scripts/bench/serve): reads the candidate matrix
(RESTOCK_PEER_FEATURES, `restock features` CSV), trains the forest on its labelled rows (30 trees,
max_features 1/3, min_samples_leaf 5, at most 200,000 rows so that start-up stays short), predicts
every candidate row and keeps each user's candidates by probability; reads the stock recommendations
and baskets that `restock recommend` wrote (RESTOCK_PEER_STOCK, RESTOCK_PEER_BASKETS) and serves them.
"""
import io
import os

import numpy as np
import pandas as pd
from fastapi import FastAPI, HTTPException, Request
from sklearn.ensemble import RandomForestRegressor

matrix = pd.read_csv(os.environ["RESTOCK_PEER_FEATURES"])
FEATURES = [c for c in matrix.columns if c not in ("user_id", "product_id", "y")]
labelled = matrix[matrix["y"].notna()]
if len(labelled) > 200_000:
    labelled = labelled.sample(200_000, random_state=1)
forest = RandomForestRegressor(n_estimators=30, max_features=1 / 3, min_samples_leaf=5, n_jobs=2, random_state=1)
forest.fit(labelled[FEATURES].to_numpy(np.float32), labelled["y"].to_numpy())
forest.set_params(n_jobs=1)
matrix["p"] = forest.predict(matrix[FEATURES].to_numpy(np.float32))
candidates = {
    int(u): g.sort_values("p", ascending=False)[["product_id", "p"]].head(100).to_dict("records")
    for u, g in matrix.groupby("user_id")
}
stock = pd.read_csv(os.environ["RESTOCK_PEER_STOCK"]).to_dict("records")
baskets = {int(r["user_id"]): r for r in pd.read_csv(os.environ["RESTOCK_PEER_BASKETS"]).to_dict("records")}
del matrix

app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/api/recommendations")
def recommendations(limit: int = 50):
    if not 1 <= limit <= 10_000:
        raise HTTPException(400, "limit")
    return {"total": len(stock), "recommendations": stock[:limit]}


@app.get("/api/users/{user_id}/basket")
def basket(user_id: int):
    if user_id not in baskets:
        raise HTTPException(404, "unknown user")
    b = baskets[user_id]
    return {"user_id": user_id, "order_id": b["order_id"], "products_text": b["products"],
            "expected_f1": b["expected_f1"], "candidates": candidates.get(user_id, [])}


@app.post("/api/score")
async def score(request: Request):
    body = await request.body()
    rows = pd.read_csv(io.BytesIO(body))
    p = forest.predict(rows[FEATURES].to_numpy(np.float32))
    return {"rows": len(rows), "scores": [{"user_id": int(u), "product_id": int(q), "probability": float(x)}
                                          for u, q, x in zip(rows["user_id"], rows["product_id"], p)]}
