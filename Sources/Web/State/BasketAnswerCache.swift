import Hummingbird
import Synchronization

/// The rendered answers of `GET /api/users/{id}/basket` (default candidate count), kept per user
/// once rendered: a user's basket, candidates, names and model version never change while one
/// model is served, so the live updates of `live_stock` share one cache and only a reload (a new
/// model, a new `ServeState` from `ServeStateBuilder`) starts an empty one.
///
/// Users are spread over `stripes` dictionaries by id, each behind its own `Mutex`, so event loops
/// reading different users never meet on a lock, and two reading one user hold it for one
/// dictionary lookup (the bytes are shared, not copied). Rendering happens outside the lock; two
/// first requests for one user may both render, and the second store is a no-op. Memory is
/// bounded: once `maximumBytes` of answers are kept, further ones are rendered per request.
final class BasketAnswerCache: Sendable {
    static let stripes = 64
    let maximumBytes: Int

    private final class Stripe: Sendable {
        let answers = Mutex<[Int32: ByteBuffer]>([:])
    }

    private let table: [Stripe] = (0..<BasketAnswerCache.stripes).map { _ in Stripe() }
    private let keptBytes = Atomic<Int>(0)

    init(maximumBytes: Int = 256 << 20) {
        self.maximumBytes = maximumBytes
    }

    /// The user's kept answer, or `render()`'s, kept when the budget allows.
    func answer(for user: Int32, render: () -> ByteBuffer) -> ByteBuffer {
        let stripe = table[Int(UInt32(bitPattern: user) % UInt32(Self.stripes))]
        if let kept = stripe.answers.withLock({ $0[user] }) { return kept }
        let rendered = render()
        if keptBytes.load(ordering: .relaxed) + rendered.readableBytes <= maximumBytes {
            let added = stripe.answers.withLock { answers -> Bool in
                guard answers[user] == nil else { return false }
                answers[user] = rendered
                return true
            }
            if added { keptBytes.wrappingAdd(rendered.readableBytes, ordering: .relaxed) }
        }
        return rendered
    }

    /// Bytes of answers kept (for tests and metrics).
    var bytesKept: Int { keptBytes.load(ordering: .relaxed) }
}
