import Features
import Forest
import Serve

extension StreamingScorer {
    /// The model at `modelPath` and its scorer for the reorder matrix computed in ClickHouse
    /// (`ReorderMatrix.clickHouseSchema`, keys user_id and product_id), checked against the model's
    /// features before any row is read (the start of `score` and `recommend` with `--clickhouse`,
    /// on one node or per shard). `probabilities`: the model must predict probabilities
    /// (`PredictionRange.requireProbabilities`, checked first). Cost: loading the model.
    static func forClickHouseFeatures(modelPath: String, threads: Int, chunkRows: Int,
                                      probabilities: Bool = false) throws -> (model: ForestModel, scorer: StreamingScorer) {
        let model = try ForestModel.load(from: modelPath)
        if probabilities { try PredictionRange.requireProbabilities(model, path: modelPath) }
        let scorer = StreamingScorer(model: model, threads: threads, chunkRows: chunkRows)
        try scorer.check(schema: ReorderMatrix.clickHouseSchema, keyNames: ["user_id", "product_id"],
                         input: "the features computed in ClickHouse")
        return (model, scorer)
    }
}
