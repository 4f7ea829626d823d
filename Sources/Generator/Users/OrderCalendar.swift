#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user's order calendar (CALIBRATION.md §4.2 step 2): the true gap G_t before each order and the
/// day of week of each order, with `dow_t = (dow_{t-1} + G_t) mod 7` exactly.
///
/// Gap law for a user with latent mean gap mu: P(G = 0) = p0; otherwise G = 1 + floor(Gamma(shape k,
/// mean mu - 1)), of which a share `weekSnap` of the mass is moved to the nearest multiple of 7 (>= 7,
/// the weekly routine), truncated to 1..maxGap. The next order's gap is drawn with probability
/// proportional to f(G) * omega_u((dow_prev + G) mod 7), omega_u the user's day-of-week preference.
/// A calendar spanning more than `windowDays` is redrawn (up to `timelineAttempts` times).
///
/// Cost per user: (maxGap + 1) incomplete-gamma values (closed form for half-integer shapes) and
/// 7 (maxGap + 1) table entries, then O(log maxGap) per order. Scratch is reused across users.
struct OrderCalendar {
    private let parameters: GenerationParameters
    /// f(G), G = 0...maxGap.
    private var gapPMF: [Double]
    /// Row d (d = previous day of week): cumulative f(G) omega((d + G) mod 7) over G = 0...maxGap.
    private var tables: [Double]
    private var cdf: [Double]

    init(parameters: GenerationParameters) {
        self.parameters = parameters
        let width = parameters.maxGap + 1
        gapPMF = [Double](repeating: 0, count: width)
        tables = [Double](repeating: 0, count: 7 * width)
        cdf = [Double](repeating: 0, count: width + 1)
    }

    /// Fills `gapPMF` for latent mean gap `mu` (days), as proto `_gap_pmf`.
    mutating func setMeanGap(_ mu: Double) {
        let p = parameters
        let gmax = p.maxGap
        let scale = max(mu - 1, 0.3) / p.gapShape
        // cdf[g] = P(Gamma <= g) for g = 0...gmax; f[G] (G = 1...gmax) = cdf[G] - cdf[G - 1].
        for g in 0...gmax { cdf[g] = OrderCalendar.gammaCDF(shape: p.gapShape, x: Double(g) / scale) }
        var raw = [Double](repeating: 0, count: gmax + 1)
        var snapped = [Double](repeating: 0, count: gmax + 1)
        for g in 1...gmax {
            let f = max(0, cdf[g] - cdf[g - 1])
            raw[g] = f
            let target = min(max(Int((Double(g) / 7).rounded()) * 7, 7), gmax)
            snapped[target] += f
        }
        var total = 0.0
        for g in 1...gmax {
            raw[g] = (1 - p.weekSnap) * raw[g] + p.weekSnap * snapped[g]
            total += raw[g]
        }
        gapPMF[0] = p.sameDayProbability
        for g in 1...gmax { gapPMF[g] = total > 0 ? (1 - p.sameDayProbability) * raw[g] / total : 0 }
        if total <= 0 { gapPMF[1] = 1 - p.sameDayProbability }
    }

    /// Builds the seven conditional tables for the day-of-week preference `omega` (7 weights).
    mutating func setDayPreference(_ omega: [Double]) {
        let width = parameters.maxGap + 1
        for d in 0..<7 {
            var running = 0.0
            for g in 0..<width {
                running += gapPMF[g] * omega[(d + g) % 7]
                tables[d * width + g] = running
            }
        }
    }

    /// Draws a calendar of `orderCount` orders: `dows[t]` and `gaps[t]` (true gap before order t + 1;
    /// gaps[0] = -1 for the first order). The first day is drawn from `omega`.
    mutating func draw(
        orderCount: Int, omega: CumulativeTable, dows: inout [Int], gaps: inout [Int],
        random: inout RandomSource
    ) {
        let width = parameters.maxGap + 1
        dows.removeAll(keepingCapacity: true)
        gaps.removeAll(keepingCapacity: true)
        for attempt in 0..<max(1, parameters.timelineAttempts) {
            dows.removeAll(keepingCapacity: true)
            gaps.removeAll(keepingCapacity: true)
            var dow = omega.sample(&random)
            dows.append(dow)
            gaps.append(-1)
            var span = 0
            tables.withUnsafeBufferPointer { all in
                for _ in 1..<max(1, orderCount) {
                    let row = UnsafeBufferPointer(rebasing: all[(dow * width)..<(dow * width + width)])
                    let g = CumulativeTable.search(row, random.uniform() * row[width - 1])
                    dow = (dow + g) % 7
                    span += g
                    dows.append(dow)
                    gaps.append(g)
                }
            }
            if span <= parameters.windowDays || attempt == parameters.timelineAttempts - 1 { break }
        }
    }

    /// Regularised lower incomplete gamma P(a, x). Half-integer and integer shapes use the closed
    /// forms P(1/2, x) = erf(sqrt x), P(1, x) = 1 - e^-x and P(a + 1, x) = P(a, x) - x^a e^-x / Gamma(a + 1);
    /// other shapes use the series / continued fraction of Numerical Recipes §6.2.
    static func gammaCDF(shape a: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        let twice = (2 * a).rounded()
        if abs(2 * a - twice) < 1e-12 && twice >= 1 && twice <= 40 {
            var s = Int(twice).isMultiple(of: 2) ? 1.0 : 0.5
            var value = s == 1 ? 1 - exp(-x) : erf(x.squareRoot())
            while s + 1e-9 < a {
                value -= exp(s * log(x) - x - lgamma(s + 1))
                s += 1
            }
            return min(1, max(0, value))
        }
        let lnPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var ap = a
            for _ in 0..<500 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return min(1, sum * exp(lnPrefix))
        }
        var b = x + 1 - a
        var c = 1 / 1e-300
        var d = 1 / b
        var h = d
        for i in 1...500 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return max(0, 1 - exp(lnPrefix) * h)
    }
}
