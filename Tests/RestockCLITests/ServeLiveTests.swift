import ClickHouse
import Foundation
import HTTPClient
import TestSupport
import Testing

/// `restock serve --clickhouse` end to end against the test server: the same recommendations as
/// `--data` on the same (ingested) folder; then a `live_stock` table and appended orders appear in
/// the API within a bounded number of polls.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)))
struct ServeLiveTests {
    /// Starts `restock serve ARGS --port 0` and returns the process and its base URL.
    static func serve(_ arguments: [String]) throws -> (RunningRestock, String) {
        let process = try RunningRestock(["serve"] + arguments + ["--port", "0", "--threads", "1"])
        guard process.waitForStderr(containing: "listening on http://127.0.0.1:", timeout: 300) else {
            process.kill()
            throw POSIXError(.ETIMEDOUT)
        }
        let line = process.stderr.split(separator: "\n").first { $0.contains("listening on") }!
        return (process, "http://127.0.0.1:\(line.firstMatch(of: #/127\.0\.0\.1:(\d+)/#)!.output.1)")
    }

    static func get(_ url: String) throws -> String {
        var bytes: [UInt8] = []
        let head = try CurlTransport().perform(HTTPRequest(url: url, method: .get, connectTimeout: 10, stallTimeout: 60)) {
            bytes.append(contentsOf: $0)
        }
        #expect(head.status == 200, "\(url)")
        return String(decoding: bytes, as: UTF8.self)
    }

    static func json(_ url: String) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try get(url).utf8))) as? [String: Any] ?? [:]
    }

    /// product_id -> (μ, σ, stock) of every recommendation.
    static func stock(_ base: String) throws -> [Int: [Double]] {
        let rows = try json(base + "/api/recommendations?limit=10000")["recommendations"] as? [[String: Any]] ?? []
        var out: [Int: [Double]] = [:]
        for r in rows {
            out[r["product_id"] as? Int ?? -1] = [r["expected_demand"] as? Double ?? .nan, r["stddev"] as? Double ?? .nan,
                                                  Double(r["recommended_stock"] as? Int ?? -1)]
        }
        return out
    }

    @Test func servesTheTablesAndThenTheLiveStock() throws {
        let (dir, _) = try GeneratedData.make(users: 40, seed: 33)
        defer { dir.remove() }
        let db = try ClickHouseTestDatabase("restock_serve_live")
        defer { db.drop() }
        let url = ClickHouseTestDatabase.url!
        let model = dir.file("model.rf"), matrix = dir.file("features.bin")
        #expect(try RestockProcess.run(["ingest", "--data", dir.path, "--clickhouse", url, "--database", db.name, "--quiet"]).status == 0)
        #expect(try RestockProcess.run(["features", "--data", dir.path, "--out", matrix, "--quiet"]).status == 0)
        #expect(try RestockProcess.run(["train", "--matrix", matrix, "--model", model, "--trees", "4", "--quiet",
                                        "--permutation-rows", "0", "--threads", "1"]).status == 0)

        let (folder, folderBase) = try Self.serve(["--model", model, "--data", dir.path])
        defer { folder.kill() }
        let expected = try Self.stock(folderBase)
        folder.kill()
        let (live, base) = try Self.serve(["--model", model, "--clickhouse", url, "--database", db.name, "--poll-every", "0.2"])
        defer { live.kill() }
        let served = try Self.stock(base)
        #expect(!expected.isEmpty)
        #expect(Set(served.keys) == Set(expected.keys))
        for (id, e) in expected {
            let s = served[id] ?? []
            #expect(s.count == 3 && abs(s[0] - e[0]) < 1e-9 && abs(s[1] - e[1]) < 1e-9 && s[2] == e[2], "product \(id): \(s) vs \(e)")
        }
        let before = try Self.json(base + "/api/kpis")
        #expect(before["orders_since_start"] as? Int == 0)
        #expect(before["stream_lag_seconds"] is NSNull)

        // The stream's output: live_stock with other numbers for two products, and five new orders.
        let (first, second) = (expected.keys.sorted()[0], expected.keys.sorted()[1])
        try db.client.execute("CREATE TABLE \(db.name).live_stock (product_id UInt32, mu Float64, sigma Float64, stock UInt32, "
                              + "service_level Float64, model_version String, updated_at DateTime) ENGINE = MergeTree() ORDER BY product_id")
        try db.client.execute("INSERT INTO \(db.name).live_stock VALUES (\(first), 777.5, 4.25, 785, 0.95, 'live', now()), "
                              + "(\(second), 0.5, 0.25, 1, 0.95, 'live', now())")
        try db.client.execute("INSERT INTO \(db.name).orders (order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, "
                              + "days_since_prior_order) SELECT order_id + 10000000, user_id, eval_set, order_number, order_dow, "
                              + "order_hour_of_day, days_since_prior_order FROM \(db.name).orders LIMIT 5")
        var seen: [Int: [Double]] = [:], kpis: [String: Any] = [:]
        for _ in 0..<150 {
            seen = try Self.stock(base)
            kpis = try Self.json(base + "/api/kpis")
            if seen[first]?[0] == 777.5 && kpis["orders_since_start"] as? Int == 5 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(seen[first] == [777.5, 4.25, 785])
        #expect(seen[second] == [0.5, 0.25, 1])
        #expect(kpis["orders_since_start"] as? Int == 5)
        #expect((kpis["orders_per_minute"] as? Double ?? 0) > 0)
        #expect(kpis["live_products"] as? Int == 2)
        #expect(kpis["stream_lag_seconds"] is Double)
        let top = try Self.json(base + "/api/recommendations?limit=1")["recommendations"] as? [[String: Any]] ?? []
        #expect(top.first?["product_id"] as? Int == first)
        let metrics = try Self.get(base + "/metrics")
        #expect(metrics.contains("restock_live_orders_since_start 5"))
        #expect(metrics.contains("restock_stream_lag_seconds "))
        // The dashboard refreshes its live region from /fragments/live, which carries the chart.
        let page = try Self.get(base + "/")
        #expect(page.contains(#"<div id="live-region">"#) && page.contains("fetch('/fragments/live'") && page.contains("chart-orders-per-minute"))
        let fragment = try Self.get(base + "/fragments/live")
        #expect(fragment.contains(#"id="chart-orders-per-minute""#) && fragment.contains("chart-top-products") && !fragment.contains("<script"))
        // In a real browser the live page loads whole, with its live chart, and logs nothing on the console.
        if Chromium.path != nil {
            let dom = try Chromium.run("--dump-dom", base + "/")
            #expect(Chromium.consoleLines(dom.stderr).isEmpty, "console: \(Chromium.consoleLines(dom.stderr))")
            #expect(dom.stdout.contains("</main>") && dom.stdout.contains(#"id="chart-orders-per-minute""#) && dom.stdout.contains("Live orders"))
        }
    }
}
