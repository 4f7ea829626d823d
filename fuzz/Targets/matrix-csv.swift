import Tabular
import TabularIO

/// The CSV matrix readers: `MatrixCSV.parse` over an exact-size heap copy of the input, and
/// `MatrixCSVStream` over the same bytes in a file with a 16-byte starting buffer and 3-row chunks
/// (so lines cross buffer refills). Both must give the same matrix, or both an error. A target column
/// named `y` is used when present.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var whole: LabelledMatrix?
    do {
        whole = try MatrixCSV.parse(input, path: "fuzz.csv", targetName: "y")
    } catch {
        _ = String(describing: error)
    }
    let path = FuzzSupport.scratch + "/matrix.csv"
    FuzzSupport.write(input, to: path)
    var streamed: [LabelledMatrix] = []
    var streamFailed = false
    do {
        let stream = try MatrixCSVStream(path: path, targetName: "y", bufferSize: 16)
        while let chunk = try stream.next(maxRows: 3) { streamed.append(chunk) }
    } catch {
        _ = String(describing: error)
        streamFailed = true
    }
    guard let whole else {
        precondition(streamFailed, "MatrixCSV.parse failed but MatrixCSVStream read the input")
        return 0
    }
    precondition(!streamFailed, "MatrixCSVStream failed but MatrixCSV.parse read the input")
    var row = 0
    for chunk in streamed {
        precondition(chunk.features.schema == whole.features.schema, "schemas differ")
        let rows = Array(row..<(row + chunk.rowCount))
        let part = whole.selectingRows(rows)
        precondition(FuzzSupport.sameBits(part.features.values, chunk.features.values), "feature values differ at rows \(rows)")
        precondition(FuzzSupport.sameBits(part.target, chunk.target), "targets differ at rows \(rows)")
        precondition(part.keys == chunk.keys, "keys differ at rows \(rows)")
        row += chunk.rowCount
    }
    precondition(row == whole.rowCount, "row counts differ: \(row) streamed, \(whole.rowCount) parsed")
    return 0
}
