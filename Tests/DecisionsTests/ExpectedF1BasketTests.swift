import Decisions
import TestSupport
import Testing

@Test func expectedF1BasketAgreesWithEnumerationOverEverySubset() {
    var random = TestRandom(seed: 11)
    for trial in 0..<40 {
        let n = 1 + trial % 7
        let p = (0..<n).map { _ in Double.random(in: 0...1, using: &random) * (trial % 3 == 0 ? 0.3 : 1) }
        let chosen = ExpectedF1Basket.choose(probabilities: p)
        let claimed = ExpectedF1Basket.expectedF1ByEnumeration(probabilities: p, predicted: Set(chosen.items), includesNone: chosen.includesNone)
        #expect(isClose(chosen.expectedF1, claimed, tolerance: 1e-9))
        // No subset, with or without None, does better.
        for mask in 0..<(1 << n) {
            let subset = Set((0..<n).filter { mask & (1 << $0) != 0 })
            for none in [false, true] where !(subset.isEmpty && !none) {
                let value = ExpectedF1Basket.expectedF1ByEnumeration(probabilities: p, predicted: subset, includesNone: none)
                #expect(value <= chosen.expectedF1 + 1e-9)
            }
        }
    }
}

@Test func expectedF1BasketEdgeCases() {
    let empty = ExpectedF1Basket.choose(probabilities: [])
    #expect(empty.items.isEmpty && empty.includesNone && empty.expectedF1 == 1)
    let sure = ExpectedF1Basket.choose(probabilities: [1, 1, 0])
    #expect(Set(sure.items) == [0, 1] && !sure.includesNone && isClose(sure.expectedF1, 1))
    let unlikely = ExpectedF1Basket.choose(probabilities: [0.01, 0.02])
    #expect(unlikely.items.isEmpty && unlikely.includesNone)
}
