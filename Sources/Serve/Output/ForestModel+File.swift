import Forest
import TabularIO

extension ForestModel {
    /// Writes the model file to `path` through `AtomicFileWriter`, so it behaves like every other
    /// output: a unique temporary file beside `path` renamed into place when complete (removed on
    /// failure or interruption), a symbolic link's target replaced, a device or a pipe written in
    /// place and a failed write (ENOSPC) thrown as a `FileError`. O(file size), a 1 MiB buffer.
    public func write(to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        do {
            try write(into: { try writer.write($0) })
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
