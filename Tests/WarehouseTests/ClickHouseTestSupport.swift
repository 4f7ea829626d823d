import ClickHouse
@testable import Features
import Foundation
import Tabular
import TestSupport
import Testing
import Warehouse

/// Shared pieces of the tests against ClickHouse: the skip trait, data sets, fingerprints of the
/// six live tables.
enum ClickHouseFixture {
    static let enabled = ConditionTrait.enabled(if: ClickHouseTestDatabase.isAvailable,
                                                Comment(rawValue: ClickHouseTestDatabase.skipReason))

    /// `count()` and a content hash of each live table, keyed by table name.
    static func fingerprints(_ db: ClickHouseTestDatabase) throws -> [String: String] {
        var result: [String: String] = [:]
        for table in InstacartSchema.tables {
            let expressions = table.columns.map { column in
                column.type.hasPrefix("Nullable") ? "ifNull(\(SQLLiteral.identifier(column.name)), -1)" : SQLLiteral.identifier(column.name)
            }
            result[table.name] = try db.fingerprint(table.name, expressions)
        }
        return result
    }

    /// Row counts of the six tables of `data`, keyed by table name (the count part of a fingerprint).
    static func counts(_ data: InstacartData) -> [String: Int] {
        [InstacartSchema.aisles.name: data.aisles.count, InstacartSchema.departments.name: data.departments.count,
         InstacartSchema.products.name: data.products.count, InstacartSchema.orders.name: data.orders.count,
         InstacartSchema.priorProducts.name: data.priorProducts.count, InstacartSchema.trainProducts.name: data.trainProducts.count]
    }

    /// The fingerprints `data` gets when ingested alone into a fresh database.
    static func expectedFingerprints(_ data: InstacartData, url: String? = nil) throws -> [String: String] {
        let db = try ClickHouseTestDatabase("restock_expected", url: url)
        defer { db.drop() }
        _ = try InstacartIngest(client: db.client, database: db.name).run(data)
        return try fingerprints(db)
    }

    /// A generated data set of `users` users in a temporary folder, and its tables.
    static func generated(users: Int, seed: UInt64) throws -> (TemporaryDirectory, InstacartData) {
        let (dir, _) = try GeneratedData.make(users: users, seed: seed)
        return (dir, try InstacartReader.read(directory: dir.path))
    }
}
