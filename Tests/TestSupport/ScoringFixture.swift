import Features
import Forest
import Foundation
import Tabular

/// A small keyed matrix and a forest trained on it, for the scorer tests.
public enum ScoringFixture {
    public static let featureNames = ["x0", "x1", "x2", "x3"]

    /// `rows` rows: user_id = r / 5, product_id = 100 + r % 37, features with some NaN, y ∈ {0, 1}
    /// depending on x0 and x1.
    public static func matrix(rows: Int, seed: UInt64 = 11) -> LabelledMatrix {
        var rng = TestRandom(seed: seed)
        var columns = [[Float]](repeating: [], count: featureNames.count)
        var target: [Float] = []
        for r in 0..<rows {
            var row: [Float] = []
            for j in featureNames.indices {
                let u = Float(rng.next() >> 40) / Float(1 << 24)
                row.append((r + j) % 13 == 0 ? .nan : (j == 3 ? (u * 10).rounded(.down) : u))
            }
            for j in row.indices { columns[j].append(row[j]) }
            let noise = Float(rng.next() >> 40) / Float(1 << 24)
            target.append((row[0] > 0.6 || (row[1].isNaN ? false : row[1] < 0.2)) != (noise < 0.1) ? 1 : 0)
        }
        let keys = RowKeys(names: ["user_id", "product_id"],
                           columns: [(0..<rows).map { Int32($0 / 5) }, (0..<rows).map { Int32(100 + $0 % 37) }])
        return LabelledMatrix(features: FeatureMatrix(schema: FeatureSchema(names: featureNames), columns: columns),
                              keys: keys, target: target, targetName: "y")
    }

    public static func model(trees: Int = 12, rows: Int = 600) throws -> ForestModel {
        let m = matrix(rows: rows, seed: 99)
        return try RandomForest.train(features: m.features, target: m.target,
                                      parameters: ForestParameters(treeCount: trees, seed: 3)).model
    }

    public static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
