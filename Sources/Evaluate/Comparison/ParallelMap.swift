import Foundation

/// `body(0..<count)` on Dispatch's `concurrentPerform` (one task per core at a time), results in
/// index order. For pure, independent pieces of work of similar size (a model's scores, a policy's
/// backtest); each `body(i)` runs once. Cost: the bodies' own, spread over the cores.
enum ParallelMap {
    static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
        return slots.values()
    }
}

/// One result slot per index, written from `concurrentPerform`'s threads (each index once).
private final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()

    init(count: Int) { storage = [T?](repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }
    func values() -> [T] { lock.withLock { storage.map { $0! } } }
}
