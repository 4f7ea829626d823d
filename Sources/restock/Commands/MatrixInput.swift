import Tabular
import TabularIO

/// Reads a matrix option's file (`MatrixFile`); `-` is standard input (claimed for `--matrix`), and
/// it or a named pipe is copied to a temporary file first (`StandardInputFile`).
enum MatrixInput {
    static func read(path: String, targetName: String?, requireTarget: Bool = false, context: JobContext) throws -> LabelledMatrix {
        let (readable, holder) = try readablePath(path, option: "--matrix", context: context)
        return try withExtendedLifetime(holder) {
            try MatrixFile.read(path: readable, targetName: targetName, requireTarget: requireTarget)
        }
    }

    /// A file path for an option that maps its input: the path itself, or standard input copied to a
    /// temporary file (kept alive by the returned holder) for `-`.
    static func readablePath(_ path: String, option: String, context: JobContext) throws -> (path: String, holder: StandardInputFile?) {
        if path == "-" { try context.claimStandardInput(for: option) }
        guard path == "-" || StandardInputFile.isStream(path) else { return (path, nil) }
        let input = try StandardInputFile(option: option, source: path)
        context.nameCopy(input.path, as: path)
        return (input.path, input)
    }
}
