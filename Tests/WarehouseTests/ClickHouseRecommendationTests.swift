import ClickHouse
import Features
import Foundation
@testable import Serve
import TestSupport
import Testing
import Warehouse

/// `recommend --clickhouse` against the test server gives what `recommend --data` gives.
@Suite(ClickHouseScoringFixture.enabled)
struct ClickHouseRecommendationTests {
    @Test(arguments: [RecommendationRun.Horizon.all, .test])
    func fileEqualsTheFolderPathByteForByte(horizon: RecommendationRun.Horizon) throws {
        let f = try ClickHouseScoringFixture(users: 200, seed: 23)
        let fromFiles = f.dir.file("files.csv"), fromClickHouse = f.dir.file("clickhouse.csv")
        let csv = try RecommendationRun(.init(modelPath: f.modelA, dataDirectory: f.data, outPath: fromFiles,
                                              basketsPath: f.dir.file("files-baskets.csv"), serviceLevel: 0.9,
                                              horizon: horizon, threads: 2)).run()
        var run = ClickHouseRecommendationRun(modelPath: f.modelA, client: f.db.client, database: f.db.name,
                                              output: .file(fromClickHouse), serviceLevel: 0.9, horizon: horizon, threads: 2,
                                              chunkRows: 700)
        run.basketsPath = f.dir.file("clickhouse-baskets.csv")
        let sql = try run.run()
        #expect(sql.recommendations == csv.recommendations)
        #expect(sql.users == csv.users && sql.candidateRows == csv.candidateRows && sql.baskets == csv.baskets)
        for (x, y) in [(fromFiles, fromClickHouse), (f.dir.file("files-baskets.csv"), f.dir.file("clickhouse-baskets.csv"))] {
            let a = try Data(contentsOf: URL(fileURLWithPath: x)), b = try Data(contentsOf: URL(fileURLWithPath: y))
            #expect(a.count > 2_000 && a == b, "\(x) against \(y)")
        }
    }

    @Test func tableHoldsTheFolderPathsRecommendationsPerModelVersion() throws {
        let f = try ClickHouseScoringFixture(users: 200, seed: 29)
        let csv = try RecommendationRun(.init(modelPath: f.modelA, dataDirectory: f.data, outPath: f.dir.file("a.csv"),
                                              threads: 2)).run()
        func toTable(_ model: String) throws -> RecommendationRun.Result {
            try ClickHouseRecommendationRun(modelPath: model, client: f.db.client, database: f.db.name,
                                            output: .table("stock_recommendations"), threads: 2, chunkRows: 1000).run()
        }
        _ = try toTable(f.modelA)
        let resultB = try toTable(f.modelB)
        _ = try toTable(f.modelA)
        for (version, expected) in [(csv.modelVersion, csv.recommendations), (resultB.modelVersion, resultB.recommendations)] {
            var rows: [StockRecommendation] = []
            try f.db.client.select(
                "SELECT product_id, product_name, aisle, department, expected_demand, stddev, recommended_stock, service_level, "
                    + "model_version FROM \(SQLLiteral.qualifiedName(f.db.name, "stock_recommendations")) "
                    + "WHERE model_version = \(SQLLiteral.string(version)) ORDER BY expected_demand DESC, product_id",
                columns: [.uint32, .string, .string, .string, .float64, .float64, .uint32, .float64, .string]) { row in
                let id = Int32(bitPattern: try row.readUInt32())
                let entry = ProductCatalog.Entry(name: try row.readString(), aisle: try row.readString(), department: try row.readString())
                let (mu, sigma, stock) = (try row.readFloat64(), try row.readFloat64(), Int(try row.readUInt32()))
                let candidates = expected.first { $0.productID == id }?.candidates ?? -1
                rows.append(StockRecommendation(productID: id, product: entry, expectedDemand: mu, standardDeviation: sigma,
                                                recommendedStock: stock, serviceLevel: try row.readFloat64(),
                                                modelVersion: try row.readString(), candidates: candidates))
            }
            #expect(rows.count == expected.count && rows.count > 1000)
            #expect(rows == expected, "model \(version)")
        }
    }
}
