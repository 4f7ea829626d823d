/// One column's base address, shareable by the workers of a `concurrentPerform`.
///
/// Unsafe pointers are not `Sendable`, so a parallel loop over arrays used to pin each array with its
/// own `withUnsafe…BufferPointer` closure and rebind it as `nonisolated(unsafe)`. Instead, the
/// function that runs the loop takes its columns as pointer parameters (the caller passes an array,
/// or `&array` for an output, which pins it for the length of the call) and wraps each in an
/// `UnsafeColumn`. It does not own or pin memory: use it only inside that call. A column made
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
