/// One column's base address, shareable by the workers of a `concurrentPerform`.
///
/// The function that runs a parallel loop takes its columns as pointer parameters (the caller passes
/// an array, or `&array` for an output, which pins it for the length of the call: no nested
/// `withUnsafe…BufferPointer` closures) and wraps each in an `UnsafeColumn`, which is `Sendable`
/// where the pointer is not. It does not own or pin memory: use it only inside that call. A column made
/// `reading:` must not be written, and workers must write disjoint elements. No bounds checks in
/// release builds; no cost over the raw pointer.
struct UnsafeColumn<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    /// A column the loop only reads.
    init(reading base: UnsafePointer<Element>, count: Int) {
        buffer = UnsafeMutableBufferPointer(start: UnsafeMutablePointer(mutating: base), count: count)
    }

    /// A column the loop writes.
    init(writing base: UnsafeMutablePointer<Element>, count: Int) {
        buffer = UnsafeMutableBufferPointer(start: base, count: count)
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}
