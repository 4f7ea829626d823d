/// Decides what a micro-batch does (`BatchPlan`) from its messages and the stored tables, and keeps
/// what the stream learnt between batches: the product ids (loaded once) and each seen user's order
/// sequence (loaded from ClickHouse the first time a user appears, then kept up to date).
///
/// Per message, in log order: decode (`decode`; a rejection is a `malformed` dead letter); an
/// order_id already stored is a duplicate when its content is the same (`hasSameContent`) and a
/// `conflictingDuplicate` dead letter otherwise; so is an order_id seen earlier in the batch; then
/// every product must be in `products` (`unknownProduct`), the order_number must follow the user's
/// (`UserOrderSequence.problem`, `orderNumberOutOfSequence`), and a test order must have no lines
/// (`malformed`). Lines that leave `reordered` out get 1 when an earlier order of the user (stored,
/// or earlier in the stream) holds the product. An order whose lines an interrupted attempt left
/// without its `orders` row is appended without its lines when they are the same, and is a
/// `conflictingDuplicate` otherwise (those stray lines are then left in place: docs/events.md).
///
/// Which orders are stored, which left orphan lines and each user's sequence come from the known
/// state (`SinkKnownState`, loaded by `prepare` under the ingest lock and checked there against the
/// tables' write marks), so a batch of new orders reads nothing. Cost: O(events + lines) in memory;
/// stored content is read only for duplicates (to compare it), history only for lines without `reordered`.
public final class BatchPlanner {
    typealias DecodedMessage = (message: LogMessage, event: OrderEvent)
    public let tables: OrderSinkTables
    let decode: ([UInt8]) throws -> OrderEvent
    private(set) var products: Set<Int32>?
    private(set) var sequences: [Int32: UserOrderSequence] = [:]
    /// What is known of the tables (`prepare`); nil: loaded by the next `prepare` or `plan`.
    private(set) var known: SinkKnownState?

    /// `decode` turns a payload into an event or throws a rejection whose description is the reason.
    public init(tables: OrderSinkTables, decode: @escaping ([UInt8]) throws -> OrderEvent) {
        self.tables = tables
        self.decode = decode
    }

    /// Forgets what was loaded (after an error, or when an ingest replaced the tables).
    public func reset() {
        products = nil
        sequences = [:]
        known = nil
    }

    /// Readies the planner under the ingest lock: loads the product ids if needed, and keeps the
    /// known state (`SinkKnownState`) when the tables' marks still match it, else loads it again.
    /// Returns true when it (re)loaded the state.
    @discardableResult
    public func prepare() throws -> Bool {
        if products == nil { products = try tables.productIDs() }
        if let known, try known.matches(tables) { return false }
        let state = try SinkKnownState.load(tables)
        known = state
        sequences = state.sequences
        return true
    }

    /// After the first commit since the known state was loaded (call under the lock): reads the
    /// marks once (`SinkKnownState.calibrate`); a failure drops the state (loaded again next time).
    public func calibrateIfNeeded() {
        guard let known, !known.calibrated else { return }
        do { try known.calibrate(tables) } catch { self.known = nil }
    }

    /// Takes a committed plan's sequences (and its orders, into the known state) into the cache.
    public func committed(_ plan: BatchPlan) {
        sequences.merge(plan.sequences) { _, new in new }
        known?.record(plan)
    }

    /// Plans `messages` (see the type). Reads ClickHouse, writes nothing.
    public func plan(_ messages: [LogMessage]) throws -> BatchPlan {
        let (decoded, malformed) = decodeAll(messages)
        var plan = try plan(decoded: decoded)
        plan.deadLetters.insert(contentsOf: malformed, at: 0)
        return plan
    }

    /// Decodes `messages` in order: the events, and a `malformed` dead letter per rejected payload.
    func decodeAll(_ messages: [LogMessage]) -> (decoded: [DecodedMessage], malformed: [(message: LogMessage, reason: DeadLetterReason)]) {
        var decoded: [DecodedMessage] = []
        var malformed: [(message: LogMessage, reason: DeadLetterReason)] = []
        decoded.reserveCapacity(messages.count)
        for message in messages {
            do {
                decoded.append((message, try decode(message.payload)))
            } catch {
                malformed.append((message, DeadLetterReason(.malformed, "\(error)")))
            }
        }
        return (decoded, malformed)
    }

    /// Plans already decoded messages (in log order; a cluster sink hands each shard its users').
    func plan(decoded: [DecodedMessage]) throws -> BatchPlan {
        var plan = BatchPlan()
        if known == nil { try prepare() }
        guard let known else { return plan }
        // Every stored order, orphan and user is known: no lookup (a user not known has no order).
        let ids = Array(Set(decoded.map(\.event.orderID)))
        let stored = Set(ids.filter { known.committed.contains($0) })
        var strayLines: [Int32: [OrderLine]] = [:]
        if !known.orphans.isEmpty { for id in ids where !stored.contains(id) { strayLines[id] = known.orphans[id] } }
        var batchSequences: [Int32: UserOrderSequence] = [:]
        let unseenUsers = Array(Set(decoded.map(\.event.userID)).filter { sequences[$0] == nil })
        let storedEvents = stored.isEmpty ? [:] : try tables.storedEvents(Array(stored))
        for user in unseenUsers where batchSequences[user] == nil { batchSequences[user] = UserOrderSequence() }
        let needHistory = Set(decoded.filter { !stored.contains($0.event.orderID) && $0.event.lines.contains { $0.reordered == nil } }
            .map(\.event.userID))
        var history = needHistory.isEmpty ? [] : try tables.historyProducts(Array(needHistory))
        var accepted: [Int32: OrderEvent] = [:]
        for (message, event) in decoded {
            if let earlier = accepted[event.orderID] ?? storedEvents[event.orderID] {
                if event.hasSameContent(as: earlier) {
                    plan.duplicates += 1
                } else {
                    plan.deadLetters.append((message, DeadLetterReason(.conflictingDuplicate,
                        "order_id \(event.orderID) is already stored with other content (user \(earlier.userID), "
                            + "order_number \(earlier.orderNumber), \(earlier.lines.count) lines)")))
                }
                continue
            }
            if let reason = check(event, sequence: batchSequences[event.userID] ?? sequences[event.userID] ?? UserOrderSequence()) {
                plan.deadLetters.append((message, reason))
                continue
            }
            var complete = event
            for i in complete.lines.indices {
                let key = UserProduct.key(user: event.userID, product: complete.lines[i].productID)
                if complete.lines[i].reordered == nil { complete.lines[i].reordered = history.contains(key) }
            }
            var linesStored = false
            if let stray = strayLines[event.orderID] {
                guard OrderEvent.sameLines(stray, complete.lines) else {
                    plan.deadLetters.append((message, DeadLetterReason(.conflictingDuplicate,
                        "order_id \(event.orderID) has \(stray.count) lines from an interrupted earlier attempt that differ from this event's")))
                    continue
                }
                complete.lines = stray
                linesStored = true
            }
            if event.evalSet == .prior && needHistory.contains(event.userID) {
                for line in complete.lines { history.insert(UserProduct.key(user: event.userID, product: line.productID)) }
            }
            let next = (batchSequences[event.userID] ?? sequences[event.userID] ?? UserOrderSequence()).appending(event)
            batchSequences[event.userID] = next
            plan.sequences[event.userID] = next
            accepted[event.orderID] = complete
            plan.appends.append(BatchPlan.Append(event: complete, linesStored: linesStored, position: message.position))
        }
        for user in unseenUsers where plan.sequences[user] == nil { plan.sequences[user] = batchSequences[user] }
        return plan
    }

    /// The dead-letter reason of a new event, or nil when it may be appended.
    func check(_ event: OrderEvent, sequence: UserOrderSequence) -> DeadLetterReason? {
        if event.evalSet == .test && !event.lines.isEmpty {
            return DeadLetterReason(.malformed, "test order \(event.orderID) has \(event.lines.count) lines (a test order has none)")
        }
        if let products, let unknown = event.lines.first(where: { !products.contains($0.productID) }) {
            return DeadLetterReason(.unknownProduct, "product_id \(unknown.productID) of order \(event.orderID) is not in the products table")
        }
        if let problem = sequence.problem(with: event) { return DeadLetterReason(.orderNumberOutOfSequence, problem) }
        return nil
    }
}
