import Foundation

/// Counts finished work items from any thread and reports the fraction done, mapped into
/// [from, to], to a callback. A lock guards the counter; it is taken once per work item, never in
/// an inner loop.
public final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let report: (@Sendable (Double) -> Void)?
    private let from: Double
    private let to: Double

    public init(total: Int, report: (@Sendable (Double) -> Void)?, from: Double = 0, to: Double = 1) {
        self.total = max(total, 1)
        self.report = report
        self.from = from
        self.to = to
    }

    public func step() {
        guard let report else { return }
        lock.lock()
        done += 1
        let fraction = from + (to - from) * Double(done) / Double(total)
        lock.unlock()
        report(fraction)
    }
}
