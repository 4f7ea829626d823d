/// Formats a number with 6 significant digits exactly as C's `printf("%.6g")` does, straight into
/// bytes (no `String`, no locale): fixed notation when the decimal exponent x of the rounded value
/// is in −4 ≤ x < 6, else `d.ddddde±xx`; trailing zeros and a trailing point are dropped; NaN is
/// `nan`, infinities `inf` / `-inf`.
///
/// Method: x = ⌊log10 |v|⌋ (corrected by one when log10 is off at a power of ten), then
/// m = round-half-even(|v| · 10^(5 − x)) ∈ [10⁵, 10⁶) in Double. The scaling is one correctly rounded
/// multiplication or division while |5 − x| ≤ 22, and a product or quotient that lands exactly on a
/// half is settled by its exact residual (a fused multiply-add), so m is the correctly rounded
/// decimal, as printf's, for magnitudes 1e-17 … 1e27 (tests compare with printf on 200,000 values).
/// Beyond that range the last digit may differ by one in a near-tie. Relative error ≤ 5·10⁻⁶.
/// Cost: O(1), about 20 ns.
public enum SignificantDecimal {
    /// The longest output: `-1.23457e-308`.
    public static let maximumLength = 16

    static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// Writes `value` at `out` (at least `maximumLength` bytes) and returns the byte count.
    @inline(__always)
    public static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if value.isNaN {
            out[0] = UInt8(ascii: "n"); out[1] = UInt8(ascii: "a"); out[2] = UInt8(ascii: "n")
            return 3
        }
        var a = value
        if a.sign == .minus {
            out[0] = UInt8(ascii: "-")
            n = 1
            a = -a
        }
        if a.isInfinite {
            out[n] = UInt8(ascii: "i"); out[n + 1] = UInt8(ascii: "n"); out[n + 2] = UInt8(ascii: "f")
            return n + 3
        }
        if a == 0 {
            out[n] = UInt8(ascii: "0")
            return n + 1
        }
        var x = Int(a.log10Floor)
        // m in [1e5, 1e6): shift x by one where log10 rounded across a power of ten
        var scaled = scale(a, 5 - x)
        if scaled < 99_999.5 {
            x -= 1
            scaled = scale(a, 5 - x)
        } else if scaled >= 999_999.5 {
            x += 1
            scaled = scale(a, 5 - x)
        }
        var rounded = scaled.rounded(.toNearestOrEven)
        if scaled - scaled.rounded(.down) == 0.5, let residual = residual(a, 5 - x, scaled) {
            // a tie after rounding the product: the exact residual says on which side |v| · 10^k is
            if residual > 0 { rounded = scaled.rounded(.up) } else if residual < 0 { rounded = scaled.rounded(.down) }
        }
        var m = Int(rounded)
        if m >= 1_000_000 {
            x += 1
            m = 100_000
        } else if m < 100_000 {
            m = 100_000
        }
        // the six digits, and how many are significant once trailing zeros are dropped
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        var keep = 6
        withUnsafeMutableBytes(of: &digits) { d in
            var rest = m
            for i in stride(from: 5, through: 0, by: -1) {
                d[i] = UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            while keep > 1 && d[keep - 1] == 0 { keep -= 1 }
            if x >= -4 && x < 6 {
                if x >= 0 {
                    for i in 0...x {
                        out[n] = d[i] &+ 48
                        n += 1
                    }
                    if keep > x + 1 {
                        out[n] = UInt8(ascii: ".")
                        n += 1
                        for i in (x + 1)..<keep {
                            out[n] = d[i] &+ 48
                            n += 1
                        }
                    }
                } else {
                    out[n] = UInt8(ascii: "0")
                    out[n + 1] = UInt8(ascii: ".")
                    n += 2
                    for _ in 0..<(-x - 1) {
                        out[n] = UInt8(ascii: "0")
                        n += 1
                    }
                    for i in 0..<keep {
                        out[n] = d[i] &+ 48
                        n += 1
                    }
                }
            } else {
                out[n] = d[0] &+ 48
                n += 1
                if keep > 1 {
                    out[n] = UInt8(ascii: ".")
                    n += 1
                    for i in 1..<keep {
                        out[n] = d[i] &+ 48
                        n += 1
                    }
                }
                out[n] = UInt8(ascii: "e")
                out[n + 1] = x < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
                n += 2
                let e = abs(x)
                if e >= 100 {
                    out[n] = UInt8(truncatingIfNeeded: e / 100) &+ 48
                    n += 1
                }
                out[n] = UInt8(truncatingIfNeeded: (e / 10) % 10) &+ 48
                out[n + 1] = UInt8(truncatingIfNeeded: e % 10) &+ 48
                n += 2
            }
        }
        return n
    }

    /// The formatted text (allocates; for tests and small tables).
    public static func string(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { buffer in
            let n = write(value, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<n]), as: UTF8.self)
        }
    }

    /// The sign-carrying error of `scaled = scale(a, k)` when that was one operation (|k| ≤ 22):
    /// a · 10^k − scaled for a product, a − scaled · 10^−k (same sign as a / 10^−k − scaled) for a
    /// quotient, both exact by a fused multiply-add. Nil when the scaling took several steps.
    @inline(__always)
    private static func residual(_ a: Double, _ k: Int, _ scaled: Double) -> Double? {
        if k >= 0 { return k <= 22 ? (-scaled).addingProduct(a, powers[k]) : nil }
        return k >= -22 ? a.addingProduct(-scaled, powers[-k]) : nil
    }

    /// a · 10^k, in one multiplication or division while |k| ≤ 22, else in steps.
    @inline(__always)
    private static func scale(_ a: Double, _ k: Int) -> Double {
        if k >= 0 {
            if k <= 22 { return a * powers[k] }
            return scale(a * powers[22], k - 22)
        }
        if k >= -22 { return a / powers[-k] }
        return scale(a / powers[22], k + 22)
    }
}

extension Double {
    /// ⌊log10(self)⌋ for a positive finite value (may be off by one next to a power of ten; the
    /// caller corrects it).
    @inline(__always)
    fileprivate var log10Floor: Double {
        (Double(exponent) * 0.301_029_995_663_981_2).rounded(.down)
    }
}
