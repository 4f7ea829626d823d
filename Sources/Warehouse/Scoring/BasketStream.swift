import Decisions
import Features
import Serve
import TabularIO

/// Each user's expected-F1 basket (`NextBasket`) from candidate rows that come grouped by user (the
/// ordered ClickHouse stream), written to a file as soon as the user's rows end: the same lines as
/// `NextBasket.choose` over all rows followed by `RecommendationWriter.write`, holding one user's
/// rows at a time. Cost O(Σ n²) for n candidates per user (`ExpectedF1Basket`).
final class BasketStream {
    private let writer: AtomicFileWriter
    private let nextOrder: [Int32: Int32]
    private var user: Int32?
    private var products: [Int32] = []
    private var probabilities: [Float] = []
    /// Baskets written.
    private(set) var count = 0

    /// Writes the header; `nextOrder` gives each user's forecast order id.
    init(writer: AtomicFileWriter, nextOrder: [Int32: Int32]) throws {
        self.writer = writer
        self.nextOrder = nextOrder
        try writer.write(RecommendationWriter.basketHeader)
    }

    /// Adds one row; rows of one user must be consecutive (a user seen again starts a second basket).
    func add(user: Int32, product: Int32, probability: Float) throws {
        if user != self.user { try flush() }
        self.user = user
        products.append(product)
        probabilities.append(probability)
    }

    /// Writes the basket of the rows held, if any.
    func flush() throws {
        guard let user, !products.isEmpty else { return }
        let baskets = NextBasket.choose(users: [Int32](repeating: user, count: products.count), products: products,
                                        probabilities: probabilities, nextOrder: nextOrder)
        for basket in baskets { try RecommendationWriter.write(basket, to: writer) }
        count += baskets.count
        products.removeAll(keepingCapacity: true)
        probabilities.removeAll(keepingCapacity: true)
        self.user = nil
    }
}
