import Foundation

/// A flag that several threads may try to set; exactly one `set()` returns true.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }
}
