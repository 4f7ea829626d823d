import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on stderr: a redrawn bar when stderr is a terminal (isatty(2)), otherwise one line per
/// 10 % so that logs stay short. Safe to call from any thread (a lock guards the last value shown).
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let isTerminal = isatty(2) == 1
    private var lastShown = -1
    private let lock = NSLock()

    init(label: String) { self.label = label }

    @Sendable func update(_ fraction: Double) {
        lock.lock()
        defer { lock.unlock() }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        if isTerminal {
            guard percent != lastShown else { return }
            lastShown = percent
            let width = 30
            let filled = percent * width / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            Log.raw("\r\(label) [\(bar)] \(percent)%")
        } else {
            let step = percent / 10 * 10
            guard step > lastShown else { return }
            lastShown = step
            Log.raw("\(label): \(step)%\n")
        }
    }

    func finish() {
        if isTerminal { Log.raw("\n") }
    }
}
