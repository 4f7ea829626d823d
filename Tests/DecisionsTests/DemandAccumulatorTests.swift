import Decisions
import Evaluate
import TestSupport
import Testing

/// `DemandAccumulator` adds per product what `DemandAggregation` adds, bit for bit, in one call or
/// in chunks, and keeps ids outside the dense range apart.
struct DemandAccumulatorTests {
    @Test func chunkedSumsEqualDemandAggregationBitForBit() {
        var rng = TestRandom(seed: 9)
        let n = 20_000
        let products = (0..<n).map { _ in Int32(rng.next() % 3000) }
        let p = (0..<n).map { _ in Float(rng.next() >> 40) / Float(1 << 24) }
        let reference = DemandAggregation(items: products, probabilities: p.map(Double.init))
        var whole = DemandAccumulator()
        whole.add(products: products, probabilities: p)
        var chunked = DemandAccumulator()
        var lo = 0
        while lo < n {
            let hi = min(n, lo + 777)
            chunked.add(products: Array(products[lo..<hi]), probabilities: Array(p[lo..<hi]))
            lo = hi
        }
        for totals in [whole.totals, chunked.totals] {
            #expect(totals.map(\.product) == reference.items)
            #expect(totals.map(\.expectedDemand.bitPattern) == reference.predicted.map(\.bitPattern))
            #expect(totals.map(\.variance.bitPattern) == reference.variance.map(\.bitPattern))
            #expect(totals.map(\.rows) == reference.rows)
        }
        #expect(whole.rowCount == n)
    }

    @Test func idsOutsideTheDenseRangeAreKeptAndSorted() {
        var demand = DemandAccumulator()
        for (product, p) in [(Int32(5), Float(0.5)), (Int32.max, 0.25), (-3, 0.5), (5, 0.25), (Int32.max, 0.5)] {
            demand.add(product: product, probability: p)
        }
        let totals = demand.totals
        #expect(totals.map(\.product) == [-3, 5, Int32.max])
        #expect(totals.map(\.expectedDemand) == [0.5, 0.75, 0.75])
        #expect(totals.map(\.variance) == [0.25, 0.25 + 0.1875, 0.1875 + 0.25])
        #expect(totals.map(\.rows) == [1, 2, 2])
    }
}
