import Foundation
import Serve

/// CPU seconds (user + system, all threads; `ProcessCPUTime`) per step of `evaluate`, for
/// `--json`'s `seconds.cpu_*`: steadier than wall time on a shared machine. The steps inside the
/// cross-validation are cut at its progress lines: the last "forest fold" line ends the forest
/// folds, the last "ridge fold" line ends the ridge folds, and the scores run from there to the
/// end of the comparison. Thread-safe (progress may come from any thread); cost O(1) per line.
final class EvaluateCPUTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var marks: [String: Double] = [:]

    /// Records the CPU time now under `name` (a later call with the same name replaces it).
    func mark(_ name: String) {
        let now = ProcessCPUTime.seconds()
        lock.withLock { marks[name] = now }
    }

    /// Marks the end of the forest and ridge folds from a progress line.
    func observe(_ line: String) {
        if line.hasPrefix("forest fold ") { mark("forest") } else if line.hasPrefix("ridge fold ") { mark("ridge") }
    }

    /// `cpu_load`, `cpu_forest_folds`, `cpu_ridge_folds`, `cpu_scores`, `cpu_backtest`, `cpu_total`.
    func seconds() -> [String: Double] {
        lock.withLock {
            var out: [String: Double] = [:]
            func span(_ name: String, _ from: String, _ to: String) {
                if let a = marks[from], let b = marks[to] { out[name] = b - a }
            }
            span("cpu_load", "start", "loaded")
            span("cpu_forest_folds", "loaded", "forest")
            span("cpu_ridge_folds", "forest", "ridge")
            span("cpu_scores", marks["ridge"] != nil ? "ridge" : "forest", "compared")
            span("cpu_backtest", "compared", "backtested")
            span("cpu_total", "start", "backtested")
            return out
        }
    }
}
