/// Formatting of the generator's numeric CSV rows straight into a byte array whose capacity is
/// reserved up front (no `String` per field): the workers format their rows in parallel and the
/// writing thread only copies bytes. Each builder reserves `maxRowBytes` per row.
enum CSVText {
    /// Upper bound of an orders.csv line: 10 + 1 + 10 + 1 + 5 + 1 + 3 + 1 + 1 + 1 + 2 + 1 + 4 + 1.
    static let maxOrderLineBytes = 48
    /// Upper bound of an order_products line: 10 + 1 + 6 + 1 + 4 + 1 + 1 + 1.
    static let maxProductLineBytes = 28

    /// Writes the decimal digits of a non-negative `value` at `p` and advances it.
    @inline(__always)
    static func put(_ value: Int, _ p: inout UnsafeMutablePointer<UInt8>) {
        if value < 10 {
            p.pointee = UInt8(truncatingIfNeeded: value) &+ 48
            p += 1
            return
        }
        var digits = 0
        var v = value
        while v > 0 {
            digits += 1
            v /= 10
        }
        v = value
        var q = p + digits - 1
        while v > 0 {
            q.pointee = UInt8(truncatingIfNeeded: v % 10) &+ 48
            q -= 1
            v /= 10
        }
        p += digits
    }

    @inline(__always)
    static func put(byte: UInt8, _ p: inout UnsafeMutablePointer<UInt8>) {
        p.pointee = byte
        p += 1
    }

    @inline(__always)
    static func put(_ text: StaticString, _ p: inout UnsafeMutablePointer<UInt8>) {
        let n = text.utf8CodeUnitCount
        p.update(from: text.utf8Start, count: n)
        p += n
    }

    /// Builds a byte array of at most `capacity` bytes with `body`, which advances the pointer.
    static func build(capacity: Int, _ body: (inout UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
            let start = buffer.baseAddress!
            var p = start
            body(&p)
            count = p - start
            precondition(count <= buffer.count, "CSV row bound exceeded")
        }
    }
}
