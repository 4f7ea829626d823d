import ClickHouse
import Foundation
import TestSupport
import Testing

/// `restock serve --clickhouse URL --cluster restock` on the 2-shard test cluster: the same answers
/// as `serve --clickhouse` of one node holding every user (recommendations and baskets byte for
/// byte, the KPIs' counts); orders appended on shard 2 are counted (through `orders_all`), and
/// `live_stock` on the URL's node is served.
@Suite(.enabled(if: ClickHouseTestCluster.isAvailable, Comment(rawValue: ClickHouseTestCluster.skipReason)))
struct ServeClusterTests {
    @Test func clusterServeAnswersAsOneNodeAndCountsEveryShardsOrders() throws {
        let (dir, _) = try GeneratedData.make(users: 120, seed: 71)
        defer { dir.remove() }
        let sharded = try ClickHouseTestCluster("restock_serve_sharded"), whole = try ClickHouseTestCluster("restock_serve_whole")
        defer { sharded.drop(); whole.drop() }
        let url = sharded.url
        func run(_ arguments: [String]) throws {
            let result = try RestockProcess.run(arguments)
            #expect(result.status == 0, "restock \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        let model = dir.file("model.rf"), matrix = dir.file("features.bin")
        try run(["ingest", "--data", dir.path, "--clickhouse", url, "--cluster", ClickHouseTestCluster.name,
                 "--database", sharded.name, "--quiet"])
        try run(["ingest", "--data", dir.path, "--clickhouse", url, "--database", whole.name, "--quiet"])
        try run(["features", "--data", dir.path, "--out", matrix, "--quiet"])
        try run(["train", "--matrix", matrix, "--model", model, "--trees", "4", "--quiet", "--permutation-rows", "0", "--threads", "1"])

        let (node, nodeBase) = try ServeLiveTests.serve(["--model", model, "--clickhouse", url, "--database", whole.name])
        defer { node.kill() }
        let (clustered, base) = try ServeLiveTests.serve(["--model", model, "--clickhouse", url, "--cluster", ClickHouseTestCluster.name,
                                                          "--database", sharded.name, "--poll-every", "0.2"])
        defer { clustered.kill() }
        #expect(clustered.stderr.contains("on 2 shards of cluster restock"), "\(clustered.stderr)")

        let all = "/api/recommendations?limit=10000"
        let expected = try ServeLiveTests.get(nodeBase + all)
        #expect(expected.count > 10_000)
        #expect(try ServeLiveTests.get(base + all) == expected)
        #expect(try ServeLiveTests.get(base + "/api/recommendations") == ServeLiveTests.get(nodeBase + "/api/recommendations"))
        // users on both shards (user % 2), and the per-user cache's second answer
        for user in [1, 2, 3, 60, 61, 1, 2] {
            let path = "/api/users/\(user)/basket"
            #expect(try ServeLiveTests.get(base + path) == ServeLiveTests.get(nodeBase + path), "user \(user)")
        }
        let nodeKPIs = try ServeLiveTests.json(nodeBase + "/api/kpis"), kpis = try ServeLiveTests.json(base + "/api/kpis")
        for key in ["orders", "users", "products", "order_lines", "forecast_users", "candidate_rows"] {
            #expect(kpis[key] as? Int != nil && kpis[key] as? Int == nodeKPIs[key] as? Int, "\(key)")
        }
        node.kill()

        // Three orders appended on shard 2 only (the stream's contract: a user's orders on its
        // shard), and live_stock published on the URL's node only.
        let shard2 = sharded.cluster.shards[1], shard1 = sharded.cluster.shards[0]
        try shard2.execute("INSERT INTO \(sharded.name).orders (order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, "
                           + "days_since_prior_order) SELECT order_id + 10000000, user_id, eval_set, order_number, order_dow, "
                           + "order_hour_of_day, days_since_prior_order FROM \(sharded.name).orders LIMIT 3")
        let product = (try ServeLiveTests.stock(base)).keys.sorted()[0]
        try shard1.execute("CREATE TABLE \(sharded.name).live_stock (product_id UInt32, mu Float64, sigma Float64, stock UInt32, "
                           + "service_level Float64, model_version String, updated_at DateTime) ENGINE = MergeTree() ORDER BY product_id")
        try shard1.execute("INSERT INTO \(sharded.name).live_stock VALUES (\(product), 555.5, 3.5, 561, 0.95, 'live', now())")
        var seen: [Int: [Double]] = [:], live: [String: Any] = [:]
        var polls = 0
        while polls < 150 {
            seen = try ServeLiveTests.stock(base)
            live = try ServeLiveTests.json(base + "/api/kpis")
            if seen[product]?[0] == 555.5 && live["orders_since_start"] as? Int == 3 { break }
            Thread.sleep(forTimeInterval: 0.1)
            polls += 1
        }
        #expect(seen[product] == [555.5, 3.5, 561])
        #expect(live["orders_since_start"] as? Int == 3, "orders appended on shard 2 are counted through orders_all")
        #expect(live["live_products"] as? Int == 1)
    }
}
