import Foundation

/// Small helpers for the commands' messages: stderr lines and durations.
enum Log {
    /// Writes one line to stderr.
    @Sendable static func stderr(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A duration in seconds.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(ContinuousClock.now - start)
    }

    static func format(_ s: Double) -> String { String(format: "%.2f", s) }
}
