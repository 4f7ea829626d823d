import Foundation

/// Runs one piece of work per shard, each on a thread of its own (the work is mostly waiting for
/// that shard's server, so the threads do not compete for the client's cores), and waits for all.
/// Every shard's result comes back in shard order; if any failed, the first failure in shard
/// order is thrown after every thread has ended (so no thread outlives the call).
public enum ShardThreads {
    public static func run<R: Sendable>(_ count: Int, _ work: @escaping @Sendable (Int) throws -> R) throws -> [R] {
        if count == 1 { return [try work(0)] }
        let results = ResultSlots<R>(count: count)
        let done = DispatchSemaphore(value: 0)
        for k in 0..<count {
            let thread = Thread {
                results.set(k, Result { try work(k) })
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<count { done.wait() }
        return try results.all().map { try $0.get() }
    }
}

/// One result slot per thread; each thread writes only its own.
private final class ResultSlots<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<R, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ result: Result<R, any Error>) {
        lock.lock()
        slots[k] = result
        lock.unlock()
    }

    func all() -> [Result<R, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
