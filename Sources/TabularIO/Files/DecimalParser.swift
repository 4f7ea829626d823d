#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses numbers from CSV field bytes without building a `String`.
///
/// `float` accepts `[+-]digits[.digits][(e|E)[+-]digits]`, `nan`/`NaN`/`NA`/empty (→ NaN) and
/// `inf`/`infinity` in any case. The fast path keeps up to 19 significant digits in a UInt64 m and a
/// decimal exponent e; when m < 2^53 and |e| ≤ 22, m · 10^e is one correctly rounded Double operation
/// (Clinger's fast path) and is then rounded to Float. Anything else goes to `strtod` on a copy.
enum DecimalParser {
    static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// The value of the field, or nil when the bytes are not a number.
    @inline(__always)
    static func float(_ start: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        if count == 0 { return .nan }
        var p = start
        let end = start + count
        var negative = false
        if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, exponent = 0, sawDigit = false
        while p < end, case let d = p.pointee &- 48, d < 10 {
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { digits += 1 }
            } else {
                exponent += 1
            }
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end, case let d = p.pointee &- 48, d < 10 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                }
                p += 1
            }
        }
        if !sawDigit { return special(start, count) }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var negativeExponent = false
            if p < end && p.pointee == UInt8(ascii: "-") { negativeExponent = true; p += 1 } else if p < end && p.pointee == UInt8(ascii: "+") { p += 1 }
            var e = 0, sawExponentDigit = false
            while p < end, case let d = p.pointee &- 48, d < 10 {
                sawExponentDigit = true
                if e < 100_000 { e = e * 10 + Int(d) }
                p += 1
            }
            if !sawExponentDigit { return nil }
            exponent += negativeExponent ? -e : e
        }
        if p != end { return nil }
        if digits >= 19 || mantissa >= (1 << 53) || exponent < -22 || exponent > 22 {
            return slow(start, count)
        }
        var value = Double(mantissa)
        value = exponent < 0 ? value / powers[-exponent] : value * powers[exponent]
        return Float(negative ? -value : value)
    }

    /// A signed decimal integer that fits Int32, or nil.
    @inline(__always)
    static func int32(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        var p = start
        let end = start + count
        var negative = false
        if p < end && p.pointee == UInt8(ascii: "-") { negative = true; p += 1 }
        if p == end { return nil }
        var value: Int64 = 0
        while p < end {
            let d = p.pointee &- 48
            if d >= 10 { return nil }
            value = value * 10 + Int64(d)
            if value > Int64(Int32.max) + 1 { return nil }
            p += 1
        }
        let signed = negative ? -value : value
        return signed >= Int64(Int32.min) && signed <= Int64(Int32.max) ? Int32(signed) : nil
    }

    private static func special(_ start: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self).lowercased()
        switch text {
        case "nan", "na", "-nan", "+nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    private static func slow(_ start: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        var buffer = [CChar](repeating: 0, count: count + 1)
        for i in 0..<count { buffer[i] = CChar(bitPattern: start[i]) }
        return buffer.withUnsafeBufferPointer { b -> Float? in
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(b.baseAddress!, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: b.baseAddress!) == count else { return nil }
            return Float(value)
        }
    }
}
