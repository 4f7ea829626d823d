import Features

/// The six-file Instacart reader, then what runs on the data it accepts (statistics and the reorder
/// feature matrix). The input holds the six files in `InstacartLayout.files` order separated by the
/// byte 0x1E (ASCII record separator); missing parts are empty files. Files above 256 bytes are
/// parsed in two parts (the parallel path of big files). Every error must be a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let directory = FuzzSupport.scratch
    let parts = FuzzSupport.split(UnsafeRawBufferPointer(start: data, count: size), separator: 0x1E,
                                  parts: InstacartLayout.files.count)
    for (file, bytes) in zip(InstacartLayout.files, parts) {
        FuzzSupport.write(bytes, to: directory + "/" + file)
    }
    do {
        let read = try InstacartReader.read(directory: directory, threads: 2, parallelThreshold: 256)
        _ = InstacartStatistics(read).table()
        _ = ReorderMatrix.build(read, blocks: 2)
    } catch {
        _ = String(describing: error)
    }
    return 0
}
