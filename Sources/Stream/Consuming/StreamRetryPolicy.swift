import ClickHouse
import HTTPClient

/// How `StreamRun` rides out a ClickHouse or log outage: a failed batch is planned and committed
/// again from scratch after `delay(attempt)` seconds (doubling from `initialDelay` up to `maxDelay`),
/// until `giveUpAfter` seconds have passed since the first failure of that batch; then the run
/// throws the last error (its messages stay unacknowledged and are delivered again to the next run).
/// A redone batch is safe: planning reads what is committed, so nothing is appended twice.
public struct StreamRetryPolicy: Sendable {
    public var initialDelay: Double
    public var maxDelay: Double
    public var giveUpAfter: Double

    public init(initialDelay: Double = 0.25, maxDelay: Double = 5, giveUpAfter: Double = 120) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.giveUpAfter = giveUpAfter
    }

    /// Seconds to wait before attempt `attempt + 1`.
    public func delay(afterAttempt attempt: Int) -> Double {
        min(maxDelay, initialDelay * Double(1 << min(attempt - 1, 20)))
    }

    /// Whether a ClickHouse-side error may pass with time: no answer (refused, reset, timed out),
    /// a cut or garbled response, or a server error of the kinds a restarting or overloaded server
    /// gives (network, timeout, memory, too many parts). SQL and schema errors are not retried.
    public static func isTransient(_ error: Error) -> Bool {
        if error is TransportError { return true }
        guard let error = error as? ClickHouseError else { return false }
        switch error.kind {
        case .malformedResponse: return true
        case .columnMismatch: return false
        case .server: return [159, 160, 202, 209, 210, 241, 252, 394].contains(error.code ?? 0) || error.httpStatus == 503
        }
    }
}
