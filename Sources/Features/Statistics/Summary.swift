/// Mean, standard deviation and quantiles of a sample.
///
/// `sd` is the sample standard deviation (divisor n - 1; 0 when n < 2). Quantiles interpolate
/// linearly between order statistics (numpy's default, Hyndman-Fan type 7): with sorted x_0..x_{n-1},
/// q(p) = x_j + (h - j)(x_{j+1} - x_j), h = (n - 1)p, j = floor(h). An empty sample gives NaN
/// everywhere. Cost: O(n log n) from values (a sort), O(n + range) from a histogram.
public struct Summary: Equatable, Sendable {
    public let count: Int
    public let mean: Double
    public let sd: Double
    public let min: Double
    public let q05: Double
    public let q25: Double
    public let median: Double
    public let q75: Double
    public let q95: Double
    public let max: Double

    /// The summary of `values` (NaN values must be removed first).
    public init(values: [Double]) {
        let sorted = values.sorted()
        self.init(count: sorted.count, mean: Self.mean(sorted), sd: Self.sd(sorted)) { sorted[$0] }
    }

    /// The summary of a sample of non-negative integers given as `histogram[v]` = number of values v.
    public init(histogram: [Int]) {
        let n = histogram.reduce(0, +)
        var sum = 0.0
        for (v, c) in histogram.enumerated() { sum += Double(v) * Double(c) }
        let mean = n > 0 ? sum / Double(n) : .nan
        var ss = 0.0
        for (v, c) in histogram.enumerated() where c > 0 { ss += Double(c) * (Double(v) - mean) * (Double(v) - mean) }
        var cumulative: [Int] = []  // cumulative[v] = number of values <= v
        cumulative.reserveCapacity(histogram.count)
        var running = 0
        for c in histogram {
            running += c
            cumulative.append(running)
        }
        self.init(count: n, mean: mean, sd: n > 1 ? (ss / Double(n - 1)).squareRoot() : (n == 1 ? 0 : .nan)) { k in
            // the k-th order statistic: the smallest v with cumulative[v] > k
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > k { hi = mid } else { lo = mid + 1 }
            }
            return Double(lo)
        }
    }

    init(count n: Int, mean: Double, sd: Double, orderStatistic x: (Int) -> Double) {
        func q(_ p: Double) -> Double {
            guard n > 0 else { return .nan }
            let h = Double(n - 1) * p
            let j = Int(h.rounded(.down))
            let lo = x(j)
            return j + 1 < n ? lo + (h - Double(j)) * (x(j + 1) - lo) : lo
        }
        count = n
        self.mean = mean
        self.sd = sd
        min = n > 0 ? x(0) : .nan
        q05 = q(0.05)
        q25 = q(0.25)
        median = q(0.5)
        q75 = q(0.75)
        q95 = q(0.95)
        max = n > 0 ? x(n - 1) : .nan
    }

    static func mean(_ v: [Double]) -> Double {
        v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }

    static func sd(_ v: [Double]) -> Double {
        guard v.count > 1 else { return v.isEmpty ? .nan : 0 }
        let m = mean(v)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
    }
}
