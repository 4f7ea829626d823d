import Tabular
import TabularIO

/// The binary matrix reader (`RSTKMAT1`), which reads a path: the input is written to a scratch file
/// and read back with `MatrixBinary.read`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzSupport.scratch + "/matrix.bin"
    FuzzSupport.write(UnsafeRawBufferPointer(start: data, count: size), to: path)
    do {
        let matrix = try MatrixBinary.read(path: path)
        _ = matrix.labelledRows
    } catch {
        _ = String(describing: error)
    }
    return 0
}
