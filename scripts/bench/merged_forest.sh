#!/usr/bin/env bash
# The merged-forest accuracy table (issue 15): for each seed S, generate USERS users, build the
# matrix, hold out the users with user_id % 5 == 0, then on the other users train
#   - one forest of 2·TREES trees on all of them (seed S), and
#   - TREES trees on each "shard" user_id % 2 == K (seeds 10·S+1, 10·S+2; shard 1 with the bins of
#     shard 0's model, --bins-from, so the groups share their bin edges), merged by `restock merge`,
# and score both on the held-out users with `restock evaluate --model` (pair AUC, R², expected F1;
# demand R²). Prints one tab-separated line per (seed, model) and the per-tree training seconds.
# Usage: scripts/bench/merged_forest.sh WORK_DIR [USERS=20000] [TREES=50] [SEEDS="1 2 3"] [THREADS=2]
set -euo pipefail
work=${1:?usage: merged_forest.sh WORK_DIR [USERS] [TREES] [SEEDS] [THREADS]}
users=${2:-20000}; trees=${3:-50}; seeds=${4:-"1 2 3"}; threads=${5:-2}
restock=${RESTOCK:-$(cd "$(dirname "$0")/../.." && pwd)/.build/release/restock}
mkdir -p "$work"; cd "$work"
export SOURCE_DATE_EPOCH=0
metric() { python3 -c 'import json,sys; m=json.load(sys.stdin)["metrics"]["forest"]; p=m["pair"]; d=m["demand"]; print("%.4f\t%.4f\t%.4f\t%.4f" % (p["auc"], p["r2"], p["f1_expected"], d["r2"]))'; }
seconds() { python3 -c 'import json,sys; s=json.load(sys.stdin)["seconds"]; print("%.1f" % (s["binning"] + s["growing"]))'; }
printf 'seed\tmodel\tAUC\tR2\tF1exp\tdemandR2\ttrain_s\n'
for s in $seeds; do
  [ -f "all$s.csv" ] || { "$restock" generate --users "$users" --seed "$s" --out "data$s" --quiet
                          "$restock" features --data "data$s" --out "all$s.csv" --quiet; }
  awk -F, -v s="$s" 'NR==1 { print > ("test" s ".csv"); print > ("train" s ".csv");
      print > ("shard0_" s ".csv"); print > ("shard1_" s ".csv"); next }
    { if ($1 % 5 == 0) print > ("test" s ".csv"); else { print > ("train" s ".csv"); print > ("shard" ($1 % 2) "_" s ".csv") } }' "all$s.csv"
  common=(--threads "$threads" --permutation-rows 0 --json)
  t_all=$("$restock" train --matrix "train$s.csv" --trees $((2 * trees)) --seed "$s" --model "all$s.rf" "${common[@]}" | seconds)
  t_0=$("$restock" train --matrix "shard0_$s.csv" --trees "$trees" --seed $((10 * s + 1)) --model "shard0_$s.rf" "${common[@]}" | seconds)
  t_1=$("$restock" train --matrix "shard1_$s.csv" --trees "$trees" --seed $((10 * s + 2)) --bins-from "shard0_$s.rf" \
        --model "shard1_$s.rf" "${common[@]}" | seconds)
  "$restock" merge --model "shard0_$s.rf" --model "shard1_$s.rf" --out "merged$s.rf" --quiet
  printf '%s\t%s\t%s\t%s\n' "$s" "all-$((2 * trees))" "$("$restock" evaluate --model "all$s.rf" --matrix "test$s.csv" --threads "$threads" --json | metric)" "$t_all"
  printf '%s\t%s\t%s\t%s+%s\n' "$s" "merged-2x$trees" "$("$restock" evaluate --model "merged$s.rf" --matrix "test$s.csv" --threads "$threads" --json | metric)" "$t_0" "$t_1"
done
