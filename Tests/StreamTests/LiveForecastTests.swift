import Features
import Forest
import Foundation
@testable import Stream
import TestSupport
import Testing

/// Live equals batch: LiveForecast(H) + the removed orders + refresh() = `recommend` on D.
@Suite(.serialized) struct LiveForecastTests {
    static let fixture = Result { try LiveFixture() }

    @Test func aForecastOfTheFullDataEqualsTheBatchRecommendation() throws {
        let f = try Self.fixture.get()
        let live = try LiveForecast(data: f.data, model: f.model, threads: 2, chunkRows: 3000)
        #expect(live.stock().count > 1000)
        #expect(f.differences(live.stock()) == [])
        #expect(live.candidateRowCount == f.batch.candidateRows)
    }

    @Test func theHistoryAloneDiffersFromTheBatchRecommendation() throws {
        let f = try Self.fixture.get()
        let live = try LiveForecast(data: f.split.history, model: f.model, threads: 2)
        #expect(f.split.removed.count > 600)
        #expect(f.differences(live.stock()).count > 100)
    }

    @Test func ordersAppliedOneAtATimeThenRefreshedEqualBatch() throws {
        let f = try Self.fixture.get()
        let live = try LiveForecast(data: f.split.history, model: f.model, threads: 2)
        var rescored = 0
        for event in f.events {
            let step = try live.apply([event])
            #expect(step.events == 1 && step.duplicateNumbers == 0)
            rescored += step.usersRescored
        }
        #expect(rescored == f.events.count)
        // Before the refresh, other users' rows lag on the product features the orders moved.
        #expect(!f.differences(live.stock()).isEmpty)
        let refresh = try live.refresh()
        #expect(refresh.changedProducts > 100 && refresh.usersRescored > 100)
        #expect(f.differences(live.stock()) == [])
        // Nothing is stale any more: a second refresh does nothing, a full re-score changes nothing.
        #expect(try live.refresh().usersRescored == 0)
        let before = live.stock()
        try live.rescoreAll()
        #expect(live.stock() == before)
    }

    @Test(arguments: [7, 100, 5000])
    func ordersAppliedInBatchesWithRefreshesBetweenEqualBatch(batchSize: Int) throws {
        let f = try Self.fixture.get()
        let live = try LiveForecast(data: f.split.history, model: f.model, threads: 2, chunkRows: 2000)
        let events = f.events
        var start = 0, batches = 0
        while start < events.count {
            let end = min(start + batchSize, events.count)
            try live.apply(Array(events[start..<end]))
            batches += 1
            if batches % 3 == 0 { try live.refresh() }
            start = end
        }
        try live.refresh()
        #expect(f.differences(live.stock()) == [])
    }

    @Test func aReplayedOrderNumberChangesNothing() throws {
        let f = try Self.fixture.get()
        let live = try LiveForecast(data: f.data, model: f.model, threads: 2)
        let step = try live.apply(Array(f.events.prefix(50)))
        #expect(step.duplicateNumbers == 50 && step.usersRescored == 0)
        try live.refresh()
        #expect(f.differences(live.stock()) == [])
    }

    @Test func targetOrdersStreamedOntoPriorOnlyUsersGiveTheirCandidates() throws {
        let f = try Self.fixture.get()
        // D without any train or test order: no candidates; then the target orders arrive.
        let o = f.data.orders
        var priorOnly = f.data
        var kept = OrderTable()
        var targets: [OrderEvent] = []
        let trainLines = Dictionary(grouping: 0..<f.data.trainProducts.count) { f.data.trainProducts.orderID[$0] }
        for r in 0..<o.count {
            if o.evalSet(atRow: r) == .prior {
                kept.append(orderID: o.orderID[r], userID: o.userID[r], evalSet: .prior, orderNumber: o.orderNumber[r], dow: o.dow[r],
                            hour: o.hour[r], daysSincePrior: o.daysSincePrior[r])
            } else {
                let t = f.data.trainProducts
                targets.append(OrderEvent(orderID: o.orderID[r], userID: o.userID[r], evalSet: o.evalSet(atRow: r),
                                          orderNumber: o.orderNumber[r], dow: o.dow[r], hour: o.hour[r],
                                          daysSincePrior: o.daysSincePrior[r].isNaN ? nil : o.daysSincePrior[r],
                                          lines: (trainLines[o.orderID[r]] ?? []).map {
                                              OrderLine(productID: t.productID[$0], addToCartOrder: t.addToCartOrder[$0],
                                                        reordered: t.reordered[$0] == 1)
                                          }))
            }
        }
        priorOnly.orders = kept
        priorOnly.trainProducts = OrderProductTable()
        let live = try LiveForecast(data: priorOnly, model: f.model)
        #expect(live.stock().isEmpty)
        let step = try live.apply(targets)
        #expect(step.usersRescored == targets.count)
        // Target orders move no product totals: nothing to refresh.
        #expect(try live.refresh().usersRescored == 0)
        #expect(f.differences(live.stock()) == [])
    }

    @Test func exactSumsTakeBackWhatTheyWereGiven() {
        var sum = ExactDemandSum()
        var rng = SystemRandomNumberGenerator()
        let terms = (0..<10_000).map { _ in Double(Float.random(in: 0...1, using: &rng)) }
        for t in terms { sum.add(t) }
        let full = sum
        for t in terms.prefix(5000).reversed() { sum.subtract(t) }
        for t in terms.prefix(5000) { sum.add(t) }
        #expect(sum == full)
        for t in terms.shuffled() { sum.subtract(t) }
        #expect(sum == ExactDemandSum() && sum.value == 0)
        #expect(abs(full.value - terms.reduce(0, +)) < 1e-9)
    }
}
