@testable import Features
import Foundation
@testable import Generator
import TestSupport
import Testing

/// Sample mean and variance of `n` draws.
private func moments(_ n: Int, _ draw: () -> Double) -> (mean: Double, variance: Double) {
    var sum = 0.0
    var sumSquares = 0.0
    for _ in 0..<n {
        let x = draw()
        sum += x
        sumSquares += x * x
    }
    let mean = sum / Double(n)
    return (mean, sumSquares / Double(n) - mean * mean)
}

@Test func normalHasMeanZeroAndUnitVariance() {
    var random = RandomSource(seed: 1)
    let m = moments(200_000) { random.normal() }
    #expect(abs(m.mean) < 0.01)
    #expect(abs(m.variance - 1) < 0.015)
}

@Test(arguments: [0.05, 0.5, 1.5, 14.0])
func gammaHasMeanAndVarianceEqualToShape(shape: Double) {
    var random = RandomSource(seed: 2)
    let m = moments(200_000) { random.gamma(shape: shape) }
    #expect(abs(m.mean - shape) < 0.02 * max(shape, 0.5))
    #expect(abs(m.variance - shape) < 0.05 * max(shape, 0.5))
}

@Test(arguments: [0.7, 3.7, 9.99, 10.0, 42.0, 300.0])
func poissonHasMeanAndVarianceEqualToItsMean(mean: Double) {
    var random = RandomSource(seed: 3)
    let m = moments(200_000) { Double(random.poisson(mean: mean)) }
    #expect(abs(m.mean - mean) < 0.01 * max(mean, 1))
    #expect(abs(m.variance - mean) < 0.03 * max(mean, 1))
}

@Test func negativeBinomialMatchesItsMeanAndDispersion() {
    var random = RandomSource(seed: 4)
    for (mean, size) in [(12.44, 0.504), (9.0, 14.0)] {
        let m = moments(400_000) { Double(random.negativeBinomial(mean: mean, size: size)) }
        #expect(abs(m.mean - mean) < 0.02 * mean)
        let variance = mean + mean * mean / size
        #expect(abs(m.variance - variance) < 0.06 * variance)
    }
}

@Test func binomialMatchesItsMeanAndVariance() {
    var random = RandomSource(seed: 5)
    for (n, p) in [(10, 0.3), (200, 0.45), (50, 0.9), (7, 0.0), (7, 1.0)] {
        let m = moments(100_000) { Double(random.binomial(count: n, probability: p)) }
        #expect(abs(m.mean - Double(n) * p) < 0.01 * Double(n) + 1e-9)
        #expect(abs(m.variance - Double(n) * p * (1 - p)) < 0.04 * Double(n) * 0.25 + 1e-9)
    }
}

@Test func dirichletSumsToOneWithMeanProportionalToAlpha() {
    var random = RandomSource(seed: 6)
    let alpha = [2.0, 0.5, 0.01, 9.49]
    var mean = [Double](repeating: 0, count: 4)
    for _ in 0..<50_000 {
        let x = random.dirichlet(alpha)
        #expect(isClose(x.reduce(0, +), 1, tolerance: 1e-12))
        for i in 0..<4 { mean[i] += x[i] / 50_000 }
    }
    for i in 0..<4 { #expect(abs(mean[i] - alpha[i] / 12) < 0.005) }
}

@Test func cumulativeTableDrawsInProportionAndNeverAZeroWeight() {
    var random = RandomSource(seed: 7)
    let table = CumulativeTable(weights: [0, 1, 0, 3, 0])
    var counts = [0, 0, 0, 0, 0]
    for _ in 0..<100_000 { counts[table.sample(&random)] += 1 }
    #expect(counts[0] == 0 && counts[2] == 0 && counts[4] == 0)
    #expect(abs(Double(counts[3]) / 100_000 - 0.75) < 0.01)
}

@Test func exponentialRaceAgreesWithSuccessiveDraws() {
    // Inclusion frequencies of the fast sampler and of its naive twin agree.
    let weights = [5.0, 3.0, 1.0, 0.5, 0.5, 0.1, 0.0]
    let trials = 100_000
    var fast = [Double](repeating: 0, count: weights.count)
    var naive = [Double](repeating: 0, count: weights.count)
    var random = RandomSource(seed: 8)
    let keys = UnsafeMutablePointer<Double>.allocate(capacity: 3)
    let chosen = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
    defer {
        keys.deallocate()
        chosen.deallocate()
    }
    for _ in 0..<trials {
        let n = weights.withUnsafeBufferPointer {
            WeightedSampling.exponentialRace(weights: $0, take: 3, keys: keys, chosen: chosen, random: &random)
        }
        #expect(n == 3)
        for c in 0..<n { fast[Int(chosen[c])] += 1 / Double(trials) }
        for i in WeightedSampling.naive(weights: weights, take: 3, random: &random) { naive[i] += 1 / Double(trials) }
    }
    #expect(fast[6] == 0 && naive[6] == 0)
    for i in weights.indices { #expect(abs(fast[i] - naive[i]) < 0.01, "item \(i): \(fast[i]) vs \(naive[i])") }
}

@Test func incompleteGammaClosedFormAgreesWithTheSeries() {
    for x in [0.01, 0.3, 1.0, 2.5, 7.0, 30.0] {
        for shape in [0.5, 1.0, 1.5, 2.5] {
            let closed = OrderCalendar.gammaCDF(shape: shape, x: x)
            let series = OrderCalendar.gammaCDF(shape: shape + 1e-11, x: x)
            #expect(abs(closed - series) < 1e-8, "P(\(shape), \(x))")
        }
    }
    #expect(isClose(OrderCalendar.gammaCDF(shape: 1, x: 2), 1 - exp(-2), tolerance: 1e-12))
}

@Test func normalQuantileInvertsTheNormalCDF() {
    for u in [1e-6, 0.01, 0.02425, 0.2, 0.5, 0.9, 0.99, 1 - 1e-6] {
        let z = Catalog.normalQuantile(u)
        #expect(abs(0.5 * erfc(-z / 2.0.squareRoot()) - u) < 1e-8 * max(1, u / 1e-6))
    }
}

@Test func gapLawSumsToOneAndHasASameDayShare() {
    var calendar = OrderCalendar(parameters: GenerationParameters())
    calendar.setMeanGap(10)
    calendar.setDayPreference([1, 1, 1, 1, 1, 1, 1])
    var random = RandomSource(seed: 9)
    var dows: [Int] = []
    var gaps: [Int] = []
    var sameDay = 0
    var total = 0
    for _ in 0..<2000 {
        calendar.draw(
            orderCount: 20, omega: CumulativeTable(weights: [1, 1, 1, 1, 1, 1, 1]), dows: &dows, gaps: &gaps,
            random: &random)
        #expect(gaps[0] == -1 && gaps.count == 20)
        for t in 1..<20 {
            #expect(dows[t] == (dows[t - 1] + gaps[t]) % 7)
            if gaps[t] == 0 { sameDay += 1 }
            total += 1
        }
    }
    #expect(abs(Double(sameDay) / Double(total) - 0.022) < 0.005)
}
