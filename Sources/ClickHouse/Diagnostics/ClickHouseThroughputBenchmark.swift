/// Measures this client's streaming throughput against a server: a RowBinary INSERT of `rows`
/// generated rows `(id UInt64, k UInt32, v Float64)` into a fresh MergeTree table, then a RowBinary
/// SELECT of the whole table, with the row count and a checksum verified on both sides. Used by the
/// hidden `restock clickhouse-bench` command and scripts/bench/clickhouse_io (which times `curl` and
/// `clickhouse-client` on the same table). Cost: what it measures; memory O(1) in `rows`.
public struct ClickHouseThroughputBenchmark: Sendable {
    public struct Measurement: Sendable {
        public var rows: Int
        public var insertSeconds: Double
        public var insertBytes: Int
        public var selectSeconds: Double
        public var selectBytes: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case mismatch(String)
        public var description: String {
            switch self { case .mismatch(let what): "benchmark check failed: \(what)" }
        }
    }

    public let client: ClickHouseClient
    public let database: String
    public let table: String

    public init(client: ClickHouseClient, database: String, table: String) {
        self.client = client
        self.database = database
        self.table = table
    }

    /// Row i of the generated data.
    static func key(_ i: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: i &* 2_654_435_761) }
    static func value(_ i: UInt64) -> Double { Double(i) * 0.5 }

    /// Recreates the table, inserts `rows` rows, reads them back; both timed.
    public func run(rows: Int) throws -> Measurement {
        let target = SQLLiteral.qualifiedName(database, table)
        try client.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
        try client.execute("DROP TABLE IF EXISTS \(target)")
        try client.execute("CREATE TABLE \(target) (id UInt64, k UInt32, v Float64) ENGINE = MergeTree() ORDER BY id")
        let clock = ContinuousClock()
        var i: UInt64 = 0
        let total = UInt64(rows)
        var inserted = ClickHouseTransferSummary(rows: 0, bytes: 0, peakBufferedBytes: 0)
        let insertTime = try clock.measure {
            inserted = try client.insert(into: table, database: database,
                                         columns: [.init("id", .uint64), .init("k", .uint32), .init("v", .float64)]) { w in
                guard i < total else { return false }
                w.writeUInt64(i)
                w.writeUInt32(Self.key(i))
                w.writeFloat64(Self.value(i))
                i += 1
                return true
            }
        }
        var expected: UInt64 = 0
        var bad = 0
        var selected = ClickHouseTransferSummary(rows: 0, bytes: 0, peakBufferedBytes: 0)
        let selectTime = try clock.measure {
            selected = try client.select("SELECT id, k, v FROM \(target) ORDER BY id", columns: [.uint64, .uint32, .float64]) { row in
                let id = try row.readUInt64()
                let k = try row.readUInt32()
                let v = try row.readFloat64()
                if id != expected || k != Self.key(id) || v != Self.value(id) { bad += 1 }
                expected += 1
            }
        }
        guard inserted.rows == rows, selected.rows == rows, bad == 0 else {
            throw Failure.mismatch("inserted \(inserted.rows), selected \(selected.rows), \(bad) rows differ, of \(rows)")
        }
        return Measurement(rows: rows, insertSeconds: Self.seconds(insertTime), insertBytes: inserted.bytes,
                           selectSeconds: Self.seconds(selectTime), selectBytes: selected.bytes)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
