/// A column of UTF-8 strings stored as one byte buffer plus offsets: no `String` per value.
///
/// Value `i` is `bytes[offsets[i] ..< offsets[i + 1]]` (already unescaped, i.e. without CSV quotes).
/// Memory: the text bytes plus 4 bytes per value (+4). `string(at:)` builds a `String` on demand
/// (O(length)); `withBytes(at:)` gives the bytes without allocating.
public struct TextColumn: Equatable, Sendable {
    public private(set) var bytes: [UInt8]
    /// `count + 1` entries, non-decreasing, `offsets[0] == 0`, `offsets[count] == bytes.count`.
    public private(set) var offsets: [Int32]

    public init() {
        bytes = []
        offsets = [0]
    }

    /// Builds a column from `bytes` and `offsets` (checked: `offsets` must start at 0, be
    /// non-decreasing and end at `bytes.count`).
    public init(bytes: [UInt8], offsets: [Int32]) {
        precondition(offsets.first == 0 && offsets.last.map { Int($0) } == bytes.count, "offsets do not cover bytes")
        precondition(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "offsets must be non-decreasing")
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Builds a column from strings (convenient for tests and small tables).
    public init<S: Sequence>(_ strings: S) where S.Element: StringProtocol {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    /// The value at `i` as a `String` (allocates; invalid UTF-8 is repaired with U+FFFD).
    public func string(at i: Int) -> String {
        withBytes(at: i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of value `i`, without copying.
    public func withBytes<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// Appends one value.
    public mutating func append<S: StringProtocol>(_ s: S) {
        bytes.append(contentsOf: s.utf8)
        offsets.append(Int32(bytes.count))
    }

    /// Appends one value given as bytes.
    public mutating func append(bytes value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(bytes.count))
    }

    /// Reserves room for `values` more values of `averageLength` bytes.
    public mutating func reserveCapacity(values: Int, averageLength: Int) {
        bytes.reserveCapacity(bytes.count + values * averageLength)
        offsets.reserveCapacity(offsets.count + values)
    }
}
