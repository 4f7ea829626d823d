import ClickHouse
import Features
import Forest
import Foundation
import Generator
@testable import Serve
import Tabular
import TestSupport
import Testing
import Warehouse

/// A generated data set loaded into a fresh database of the test server, and two small models
/// trained on its files (two model versions), for the batch scoring tests.
final class ClickHouseScoringFixture {
    static let enabled = ConditionTrait.enabled(if: ClickHouseTestDatabase.isAvailable,
                                                Comment(rawValue: ClickHouseTestDatabase.skipReason))

    let dir: TemporaryDirectory
    let data: String
    let db: ClickHouseTestDatabase
    /// Model files of two versions.
    let modelA: String
    let modelB: String

    init(users: Int = 250, seed: UInt64 = 17) throws {
        dir = try TemporaryDirectory(prefix: "restock-chscore")
        data = dir.file("data")
        _ = try InstacartGenerator.generate(GeneratorConfiguration(users: users, seed: seed, threads: 2), to: data)
        db = try ClickHouseTestDatabase("restock_chscore")
        _ = try InstacartIngest(client: db.client, database: db.name).run(directory: data)
        let (matrix, _) = try ReorderMatrix.build(directory: data)
        let labelled = matrix.selectingRows(Array(matrix.labelledRows.prefix(8000)))
        modelA = dir.file("a.rf")
        modelB = dir.file("b.rf")
        for (trees, path) in [(4, modelA), (6, modelB)] {
            try RandomForest.train(features: labelled.features, target: labelled.target,
                                   parameters: ForestParameters(treeCount: trees, maxDepth: 8, seed: 5)).model.write(to: path)
        }
    }

    deinit {
        db.drop()
        dir.remove()
    }

    func version(_ model: String) throws -> String { try ModelVersion(modelFile: model).description }

    func scoring(_ model: String, into table: String = "predictions", chunkRows: Int = 1000) -> ClickHouseScoringRun {
        ClickHouseScoringRun(modelPath: model, client: db.client, database: db.name, output: .table(table), threads: 2,
                             chunkRows: chunkRows)
    }

    /// (user_id, product_id, probability) of one model version in `table`, by user then product.
    func rows(_ table: String = "predictions", version: String) throws -> [ScoredRow] {
        var out: [ScoredRow] = []
        try db.client.select("SELECT user_id, product_id, probability FROM \(SQLLiteral.qualifiedName(db.name, table)) "
                             + "WHERE model_version = \(SQLLiteral.string(version)) ORDER BY user_id, product_id",
                             columns: [.uint32, .uint32, .float32]) { row in
            out.append(ScoredRow(user: Int32(bitPattern: try row.readUInt32()), product: Int32(bitPattern: try row.readUInt32()),
                                  p: try row.readFloat32()))
        }
        return out
    }

    /// Count and content hash of the whole table, per model version.
    func fingerprint(_ table: String = "predictions") throws -> String {
        try db.client.queryText("SELECT model_version, count(), sum(cityHash64(user_id, product_id, probability)) FROM "
                                + "\(SQLLiteral.qualifiedName(db.name, table)) GROUP BY model_version ORDER BY model_version")
    }

    /// The rows `restock score --data` scores, with the probabilities `model` gives them.
    func expected(_ model: String) throws -> [ScoredRow] {
        let (matrix, _) = try ReorderMatrix.build(directory: data)
        let p = try ForestPredictor(try ForestModel.load(from: model)).predict(matrix.features, threads: 1)
        let users = matrix.keys.column(named: "user_id")!, products = matrix.keys.column(named: "product_id")!
        return p.indices.map { ScoredRow(user: users[$0], product: products[$0], p: p[$0]) }
    }
}

/// One scored candidate; equal when the keys are and the probabilities have the same bits.
struct ScoredRow: Equatable, CustomStringConvertible {
    let user: Int32
    let product: Int32
    let p: Float

    static func == (a: ScoredRow, b: ScoredRow) -> Bool {
        a.user == b.user && a.product == b.product && a.p.bitPattern == b.p.bitPattern
    }

    var description: String { "(\(user), \(product), \(p))" }
}
