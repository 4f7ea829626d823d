import Foundation

/// The Prometheus figures of a running server (`GET /metrics`, text format 0.0.4): requests by
/// route, method and status; a latency histogram per route; rows scored by `POST /api/score`;
/// reloads by outcome; and the model version as an info gauge. Routes are the patterns
/// (`/api/products/{id}`), never raw paths, so the label set stays bounded. Thread-safe (one lock);
/// recording is O(buckets).
public final class ServeMetrics: @unchecked Sendable {
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServeMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private let lock = NSLock()
    private var requests: [String: Int] = [:]
    private var latency: [String: Histogram] = [:]
    private var scoredRows = 0
    private var scoringSeconds = 0.0
    private var reloads: [String: Int] = [:]

    public init() {}

    public func record(route: String, method: String, status: Int, seconds: Double) {
        let key = "route=\"\(route)\",method=\"\(method)\",status=\"\(status)\""
        lock.lock()
        defer { lock.unlock() }
        requests[key, default: 0] += 1
        var h = latency[route] ?? Histogram()
        for (i, bound) in ServeMetrics.buckets.enumerated() where seconds <= bound { h.counts[i] += 1 }
        h.sum += seconds
        h.count += 1
        latency[route] = h
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
        defer { lock.unlock() }
        var out = "# HELP restock_http_requests_total HTTP requests by route pattern, method and status.\n"
        out += "# TYPE restock_http_requests_total counter\n"
        for (key, n) in requests.sorted(by: { $0.key < $1.key }) { out += "restock_http_requests_total{\(key)} \(n)\n" }
        out += "# HELP restock_http_request_duration_seconds Time from the request's head to its response, by route pattern.\n"
        out += "# TYPE restock_http_request_duration_seconds histogram\n"
        for (route, h) in latency.sorted(by: { $0.key < $1.key }) {
            for (i, bound) in ServeMetrics.buckets.enumerated() {
                out += "restock_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(h.counts[i])\n"
            }
            out += "restock_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(h.count)\n"
            out += "restock_http_request_duration_seconds_sum{route=\"\(route)\"} \(h.sum)\n"
            out += "restock_http_request_duration_seconds_count{route=\"\(route)\"} \(h.count)\n"
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
