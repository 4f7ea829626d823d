#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular

/// The distributions the generator draws from, implemented on `RandomSource` (no numpy stream is
/// reproduced: only the laws matter). Each is exact (no approximation beyond floating point).
extension RandomSource {
    /// Standard normal N(0, 1), Marsaglia's polar method: draws (u, v) uniform in the unit disc
    /// (acceptance pi/4), returns u*sqrt(-2 ln s / s) and keeps v*sqrt(...) for the next call.
    /// Cost: ~0.64 log + sqrt per value.
    @inlinable
    public mutating func normal() -> Double {
        if !spareNormal.isNaN {
            let z = spareNormal
            spareNormal = .nan
            return z
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// Exponential with rate 1: -ln U, U uniform on (0, 1).
    @inlinable @inline(__always)
    public mutating func exponential() -> Double {
        -log(uniformOpen())
    }

    /// Gamma(shape a, scale 1), Marsaglia & Tsang (2000): for a >= 1, d = a - 1/3, c = 1/sqrt(9d),
    /// x ~ N(0,1), v = (1 + cx)^3, accept d*v when u < 1 - 0.0331 x^4 (squeeze) or
    /// ln u < x^2/2 + d(1 - v + ln v); for a < 1, Gamma(a) = Gamma(a + 1) * U^(1/a).
    /// Expected cost ~1.03 normal + uniform per value. Returns 0 for a <= 0.
    @inlinable
    public mutating func gamma(shape a: Double) -> Double {
        if a <= 0 { return 0 }
        if a < 1 {
            return gamma(shape: a + 1) * pow(uniformOpen(), 1 / a)
        }
        let d = a - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformOpen()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Poisson(mean): inversion by sequential search for mean < 10 (O(mean)); Hörmann's PTRS
    /// transformed rejection (1993, as numpy) above (O(1), ~1.1 iterations).
    @inlinable
    public mutating func poisson(mean lambda: Double) -> Int {
        if !(lambda > 0) { return 0 }
        if lambda < 10 {
            let limit = exp(-lambda)
            var product = uniform()
            var k = 0
            while product > limit {
                product *= uniform()
                k += 1
            }
            return k
        }
        let slam = lambda.squareRoot()
        let loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Negative binomial with the given mean and size (dispersion) r: the number of failures before
    /// the r-th success with p = r/(r + mean) (numpy's `negative_binomial(r, p)`), drawn as the
    /// gamma-Poisson mixture Poisson(Gamma(r, scale mean/r)). Variance mean + mean^2/r.
    @inlinable
    public mutating func negativeBinomial(mean: Double, size r: Double) -> Int {
        if !(mean > 0) { return 0 }
        return poisson(mean: gamma(shape: r) * mean / r)
    }

    /// Binomial(n, p): inversion (numpy's BINV) when n*min(p, 1-p) < 30, else a sum of Bernoulli
    /// trials (n is a basket size here, so at most a few hundred). Cost O(n*min(p,1-p)) or O(n).
    @inlinable
    public mutating func binomial(count n: Int, probability p: Double) -> Int {
        if n <= 0 || !(p > 0) { return 0 }
        if p >= 1 { return n }
        let flip = p > 0.5
        let pp = flip ? 1 - p : p
        var x = 0
        if Double(n) * pp < 30 {
            let q = 1 - pp
            let s = pp / q
            let a = Double(n + 1) * s
            while true {
                var r = pow(q, Double(n))
                var u = uniform()
                x = 0
                var ok = true
                while u > r {
                    u -= r
                    x += 1
                    if x > n { ok = false; break }
                    r *= a / Double(x) - s
                }
                if ok { break }
            }
        } else {
            for _ in 0..<n where uniform() < pp { x += 1 }
        }
        return flip ? n - x : x
    }

    /// Dirichlet(alpha): independent Gamma(alpha_i) normalised to sum 1 (all-zero draws, possible only
    /// when every alpha is tiny, are redrawn).
    public mutating func dirichlet(_ alpha: [Double]) -> [Double] {
        while true {
            var g = alpha.map { gamma(shape: $0) }
            let total = g.reduce(0, +)
            if total > 0 {
                for i in g.indices { g[i] /= total }
                return g
            }
        }
    }

    /// Number of failures before the first success of independent Bernoulli(p) trials,
    /// floor(ln U / ln(1 - p)). Used to visit a Bernoulli(p) subset of an array in O(p*n) draws.
    @inlinable @inline(__always)
    public mutating func geometricFailures(logOneMinusP: Double) -> Int {
        let g = log(uniformOpen()) / logOneMinusP
        return g < Double(Int32.max) ? Int(g) : Int(Int32.max)
    }

    /// Uniformly shuffles `buffer` in place (Fisher–Yates). O(n).
    public mutating func shuffle<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var i = buffer.count - 1
        while i > 0 {
            let j = integer(below: i + 1)
            buffer.swapAt(i, j)
            i -= 1
        }
    }
}

/// A categorical distribution as a cumulative weight table: sampling is one uniform and a binary
/// search, O(log n). Zero weights are never drawn.
public struct CumulativeTable: Sendable {
    /// cumulative[i] = weight[0] + ... + weight[i].
    public private(set) var cumulative: [Double]

    public init<S: Sequence>(weights: S) where S.Element == Double {
        var total = 0.0
        cumulative = weights.map { w in
            total += max(0, w)
            return total
        }
        precondition(total > 0, "a categorical distribution needs a positive weight")
    }

    public var count: Int { cumulative.count }
    public var total: Double { cumulative[cumulative.count - 1] }

    /// The index i with cumulative[i-1] <= U*total < cumulative[i].
    @inlinable
    public func sample(_ random: inout RandomSource) -> Int {
        cumulative.withUnsafeBufferPointer { cum in
            CumulativeTable.search(cum, random.uniform() * cum[cum.count - 1])
        }
    }

    /// The first index whose cumulative weight exceeds `x` (the last index if none does).
    @inlinable @inline(__always)
    public static func search(_ cum: UnsafeBufferPointer<Double>, _ x: Double) -> Int {
        var lo = 0
        var hi = cum.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cum[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
