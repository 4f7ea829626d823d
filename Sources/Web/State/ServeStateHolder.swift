import Foundation

/// The current `ServeState`, swapped atomically: a request reads the state once (`current`) and
/// answers from that snapshot, so a reload never mixes two models' numbers and never blocks a
/// request for longer than a pointer copy. Reloads are serialized (`reloading`): a second one waits.
public final class ServeStateHolder: @unchecked Sendable {
    private let lock = NSLock()
    private let reloadLock = NSLock()
    private var state: ServeState

    public init(_ state: ServeState) {
        self.state = state
    }

    public var current: ServeState {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    public func replace(with next: ServeState) {
        lock.lock()
        state = next
        lock.unlock()
    }

    /// Runs `build` (which may take seconds) with no other reload in progress, then swaps its
    /// state in. Requests keep being answered from the old state meanwhile.
    public func reloading(_ build: (ServeState) throws -> ServeState) rethrows -> (old: ServeState, new: ServeState) {
        reloadLock.lock()
        defer { reloadLock.unlock() }
        let old = current
        let next = try build(old)
        replace(with: next)
        return (old, next)
    }
}
