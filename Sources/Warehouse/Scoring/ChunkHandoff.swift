import Foundation

/// A bounded first-in first-out handoff of items between one producing thread and one consuming
/// thread: `put` waits while `capacity` items are waiting, `take` waits while none is. Either side
/// can stop the other: `finish()` (producer: no more items), `fail(error)` (producer: stopped by an
/// error, which `take` rethrows once the items before it are taken) and `cancel()` (consumer: `put`
/// throws `CancellationError` from then on, so a producer blocked in `put` wakes up and stops).
/// Memory: at most `capacity` items.
final class ChunkHandoff<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private let capacity: Int
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    init(capacity: Int) {
        precondition(capacity > 0, "ChunkHandoff: capacity must be positive")
        self.capacity = capacity
    }

    /// Waits for room, then appends `item`; throws `CancellationError` once the consumer cancelled.
    func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw CancellationError() }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, or nil after `finish()`; rethrows the producer's error after the items before it.
    func take() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && failure == nil { condition.wait() }
        if !items.isEmpty {
            condition.broadcast()
            return items.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
