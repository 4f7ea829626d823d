/// The body of a streaming RowBinary INSERT: curl asks for up to 1 MiB at a time and the producer
/// is called until that buffer is full (values that straddle the end are kept for the next one).
/// A thrown producer error, or a producer that wrote the wrong columns, aborts the upload.
///
/// Memory: curl's buffer plus what one producer call writes beyond it.
final class RowBinaryUpload: @unchecked Sendable {
    private let schema: RowBinarySchema
    private var produce: ((inout RowBinaryWriter) throws -> Bool)?
    private var spill: [UInt8] = []
    private var spillOffset = 0
    private var finished = false
    /// True once curl has asked for body bytes (so the request may have reached the server).
    private(set) var started = false
    private(set) var rows = 0
    private(set) var bytes = 0
    private(set) var peakSpill = 0

    init(schema: RowBinarySchema, produce: @escaping (inout RowBinaryWriter) throws -> Bool) {
        self.schema = schema
        self.produce = produce
    }

    /// Drops the producer (which may be a non-escaping closure of the caller): after this the body
    /// ends, even if a transport kept the request and asked again.
    func detach() {
        produce = nil
        finished = true
    }

    /// Fills `buffer`; returns the byte count, 0 only at the end of the body.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        started = true
        var position = 0
        if spillOffset < spill.count {
            position = min(buffer.count, spill.count - spillOffset)
            spill.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + spillOffset, byteCount: position) }
            spillOffset += position
            if spillOffset < spill.count {
                bytes += position
                return position
            }
        }
        spill.removeAll(keepingCapacity: true)
        spillOffset = 0
        guard let produce, !finished, !buffer.isEmpty else {
            bytes += position
            return position
        }
        var writer = RowBinaryWriter(target: buffer, position: position, overflow: spill, schema: schema, rowsBefore: rows)
        spill = []
        while !writer.isFull {
            let before = writer.rowsCompleted
            let more = try produce(&writer)
            if let mismatch = writer.mismatch { throw RowFormatError.columnMismatch(mismatch) }
            guard writer.atRowStart else {
                throw RowFormatError.columnMismatch("row \(rows + writer.rowsCompleted + 1): the producer returned with the row incomplete")
            }
            if !more {
                finished = true
                break
            }
            guard writer.rowsCompleted > before else {
                throw RowFormatError.columnMismatch("the producer returned true without writing a row")
            }
        }
        rows += writer.rowsCompleted
        spill = writer.overflow
        peakSpill = max(peakSpill, spill.count)
        bytes += writer.position
        return writer.position
    }
}
