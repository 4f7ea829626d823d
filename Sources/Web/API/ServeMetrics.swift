import Foundation
import Synchronization

/// The Prometheus figures of a running server (`GET /metrics`, text format 0.0.4): requests by
/// route, method and status; a latency histogram per route; rows scored by `POST /api/score`;
/// reloads by outcome; and the model version as an info gauge. Routes are the patterns
/// (`/api/products/{id}`), never raw paths, so the label set stays bounded.
///
/// Recording is on every request's path, from every event loop at once, so it takes no lock and
/// formats no string: a request of a known route, method (GET, HEAD, POST) and status adds 1 to
/// three relaxed atomic counters found by index (its request counter, its latency bucket, its
/// route's count) and its nanoseconds to the route's sum; O(log buckets). Other methods and
/// statuses (rare: bad clients) go to a dictionary under a lock. `text` adds the buckets up into
/// Prometheus' cumulative form. Counters are read without a snapshot across them: a scrape during
/// traffic may see a request in one counter and not yet in another, as Prometheus allows.
public final class ServeMetrics: @unchecked Sendable {
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let methods = ["GET", "HEAD", "POST"]
    static let statuses = [200, 400, 401, 404, 405, 409, 413, 422, 500]
    private static let bucketNanoseconds = buckets.map { Int(($0 * 1e9).rounded()) }

    /// One relaxed atomic counter (a class, so that arrays of them can be shared).
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add(_ n: Int) { value.wrappingAdd(n, ordering: .relaxed) }
        var current: Int { value.load(ordering: .relaxed) }
    }

    /// requests[(route × methods + method) × statuses + status]
    private let requests: [Counter]
    /// per route: buckets.count + 1 counters (the last one: over the largest bound), not cumulative
    private let latencyBuckets: [Counter]
    private let latencyCount: [Counter]
    private let latencyNanoseconds: [Counter]

    private let lock = NSLock()
    private var otherRequests: [String: Int] = [:]
    private var scoredRows = 0
    private var scoringSeconds = 0.0
    private var reloads: [String: Int] = [:]

    public init() {
        let routes = Route.allCases.count
        requests = (0..<(routes * Self.methods.count * Self.statuses.count)).map { _ in Counter() }
        latencyBuckets = (0..<(routes * (Self.buckets.count + 1))).map { _ in Counter() }
        latencyCount = (0..<routes).map { _ in Counter() }
        latencyNanoseconds = (0..<routes).map { _ in Counter() }
    }

    /// Records one answered request; `method` is the request's (any other than GET, HEAD or POST is
    /// counted under its own label when 8 characters or fewer, else OTHER).
    public func record(route: Route, method: String, status: Int, nanoseconds: Int) {
        let r = route.rawValue
        if let m = Self.methods.firstIndex(of: method), let s = Self.statuses.firstIndex(of: status) {
            requests[(r * Self.methods.count + m) * Self.statuses.count + s].add(1)
        } else {
            let label = "route=\"\(route.pattern)\",method=\"\(method.utf8.count <= 8 ? method : "OTHER")\",status=\"\(status)\""
            lock.lock()
            otherRequests[label, default: 0] += 1
            lock.unlock()
        }
        var lo = 0, hi = Self.bucketNanoseconds.count  // first bound >= nanoseconds (binary search)
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.bucketNanoseconds[mid] < nanoseconds { lo = mid + 1 } else { hi = mid }
        }
        latencyBuckets[r * (Self.buckets.count + 1) + lo].add(1)
        latencyCount[r].add(1)
        latencyNanoseconds[r].add(max(0, nanoseconds))
    }

    /// `record` with the route given by its pattern and the time in seconds (tests, tools).
    public func record(route pattern: String, method: String, status: Int, seconds: Double) {
        let route = Route.allCases.first { $0.pattern == pattern } ?? .unmatched
        record(route: route, method: method, status: status, nanoseconds: Int((seconds * 1e9).rounded()))
    }

    public func recordScoring(rows: Int, seconds: Double) {
        lock.lock()
        scoredRows += rows
        scoringSeconds += seconds
        lock.unlock()
    }

    public func recordReload(outcome: String) {
        lock.lock()
        reloads[outcome, default: 0] += 1
        lock.unlock()
    }

    /// The exposition text, with the current model's version and candidate row count, and the live
    /// stream's gauges when `live` is given (orders per minute, orders since start, stream lag).
    public func text(modelVersion: String, candidateRows: Int, live: LiveStatus? = nil) -> String {
        lock.lock()
        var counted = otherRequests
        let (scoredRows, scoringSeconds, reloads) = (self.scoredRows, self.scoringSeconds, self.reloads)
        lock.unlock()
        for route in Route.allCases {
            for (m, method) in Self.methods.enumerated() {
                for (s, status) in Self.statuses.enumerated() {
                    let n = requests[(route.rawValue * Self.methods.count + m) * Self.statuses.count + s].current
                    if n > 0 { counted["route=\"\(route.pattern)\",method=\"\(method)\",status=\"\(status)\"", default: 0] += n }
                }
            }
        }
        var out = "# HELP restock_http_requests_total HTTP requests by route pattern, method and status.\n"
        out += "# TYPE restock_http_requests_total counter\n"
        for (key, n) in counted.sorted(by: { $0.key < $1.key }) { out += "restock_http_requests_total{\(key)} \(n)\n" }
        out += "# HELP restock_http_request_duration_seconds Time from the request's head to its response, by route pattern.\n"
        out += "# TYPE restock_http_request_duration_seconds histogram\n"
        for route in Route.allCases.sorted(by: { $0.pattern < $1.pattern }) where latencyCount[route.rawValue].current > 0 {
            let first = route.rawValue * (Self.buckets.count + 1)
            var cumulative = 0
            for (i, bound) in ServeMetrics.buckets.enumerated() {
                cumulative += latencyBuckets[first + i].current
                out += "restock_http_request_duration_seconds_bucket{route=\"\(route.pattern)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += latencyBuckets[first + Self.buckets.count].current
            let seconds = Double(latencyNanoseconds[route.rawValue].current) / 1e9
            out += "restock_http_request_duration_seconds_bucket{route=\"\(route.pattern)\",le=\"+Inf\"} \(cumulative)\n"
            out += "restock_http_request_duration_seconds_sum{route=\"\(route.pattern)\"} \(seconds)\n"
            out += "restock_http_request_duration_seconds_count{route=\"\(route.pattern)\"} \(cumulative)\n"
        }
        out += "# HELP restock_scored_rows_total Candidate rows scored by POST /api/score.\n# TYPE restock_scored_rows_total counter\n"
        out += "restock_scored_rows_total \(scoredRows)\n"
        out += "# HELP restock_scoring_seconds_total Seconds spent scoring in POST /api/score (rows/s = rows / seconds).\n"
        out += "# TYPE restock_scoring_seconds_total counter\nrestock_scoring_seconds_total \(scoringSeconds)\n"
        out += "# HELP restock_model_reloads_total Model reloads by outcome.\n# TYPE restock_model_reloads_total counter\n"
        for outcome in ["ok", "refused"] { out += "restock_model_reloads_total{outcome=\"\(outcome)\"} \(reloads[outcome] ?? 0)\n" }
        out += "# HELP restock_model_info The model being served (value 1).\n# TYPE restock_model_info gauge\n"
        out += "restock_model_info{version=\"\(modelVersion)\"} 1\n"
        out += "# HELP restock_candidate_rows Candidate rows scored for the current state.\n# TYPE restock_candidate_rows gauge\n"
        out += "restock_candidate_rows \(candidateRows)\n"
        if let live {
            out += "# HELP restock_live_orders_per_minute Orders appended per minute over the last polled minute.\n"
            out += "# TYPE restock_live_orders_per_minute gauge\nrestock_live_orders_per_minute \(live.ordersPerMinute)\n"
            out += "# HELP restock_live_orders_since_start Orders appended since the server started.\n"
            out += "# TYPE restock_live_orders_since_start gauge\nrestock_live_orders_since_start \(live.ordersSinceStart)\n"
            out += "# HELP restock_live_products Products in live_stock.\n# TYPE restock_live_products gauge\n"
            out += "restock_live_products \(live.liveProducts)\n"
            if let lag = live.streamLagSeconds {
                out += "# HELP restock_stream_lag_seconds Seconds since live_stock's newest updated_at.\n"
                out += "# TYPE restock_stream_lag_seconds gauge\nrestock_stream_lag_seconds \(lag)\n"
            }
        }
        return out
    }
}
