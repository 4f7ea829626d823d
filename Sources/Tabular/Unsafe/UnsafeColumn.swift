/// One column's base address, shareable by the workers of a `concurrentPerform`: the one helper in
/// which the parallel kernels of Features, TabularIO and Forest keep their pointers.
///
/// The function that runs a parallel loop takes its columns as pointer parameters (the caller passes
/// an array, or `&array` for an output, which pins it for the length of the call: no nested
/// `withUnsafe…BufferPointer` closures) and wraps each in an `UnsafeColumn`, which is `Sendable`
/// where the pointer is not. It does not own or pin memory: use it only inside that call. A column made
/// `reading:` must not be written, and workers must write disjoint elements. No bounds checks in
/// release builds; no cost over the raw pointer.
@frozen
public struct UnsafeColumn<Element>: @unchecked Sendable {
    public let buffer: UnsafeMutableBufferPointer<Element>

    /// A column the loop only reads.
    @inlinable
    public init(reading base: UnsafePointer<Element>, count: Int) {
        buffer = UnsafeMutableBufferPointer(start: UnsafeMutablePointer(mutating: base), count: count)
    }

    /// A column the loop writes.
    @inlinable
    public init(writing base: UnsafeMutablePointer<Element>, count: Int) {
        buffer = UnsafeMutableBufferPointer(start: base, count: count)
    }

    @inlinable @inline(__always)
    public subscript(i: Int) -> Element {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}
