#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable column of plain values on manually managed memory, for the parsers' hot loops.
///
/// `append` is a capacity check and a store (no uniqueness check, no retain), growth is `realloc`
/// by 1.5x (for large blocks glibc remaps pages instead of copying). Reserved but untouched capacity
/// costs address space, not resident memory. `finish()` copies the values into an `Array` and frees
/// the block; a builder that is not finished must be `free()`d.
struct ColumnBuilder<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = malloc(self.capacity * MemoryLayout<T>.stride)!.assumingMemoryBound(to: T.self)
    }

    @inline(__always)
    mutating func append(_ value: T) {
        if count == capacity { grow() }
        base[count] = value
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        capacity += capacity / 2
        base = realloc(base, capacity * MemoryLayout<T>.stride)!.assumingMemoryBound(to: T.self)
    }

    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: base, count: count) }

    /// The values as an array (one copy); the builder is freed and must not be used again.
    mutating func finish() -> [T] {
        let result = Array(buffer)
        free()
        return result
    }

    /// Concatenates `parts` into one array and frees them all.
    static func finish(_ parts: inout [ColumnBuilder<T>]) -> [T] {
        let total = parts.reduce(0) { $0 + $1.count }
        let result = [T](unsafeUninitializedCapacity: total) { b, c in
            var at = 0
            for p in parts {
                if p.count > 0 { (b.baseAddress! + at).initialize(from: p.base, count: p.count) }
                at += p.count
            }
            c = total
        }
        for i in parts.indices { parts[i].free() }
        return result
    }

    mutating func free() {
        guard capacity > 0 else { return }
        releaseMemory(base)
        base = UnsafeMutablePointer(bitPattern: 16)!
        count = 0
        capacity = 0
    }
}

@inline(__always)
private func releaseMemory(_ p: UnsafeMutableRawPointer) { free(p) }
