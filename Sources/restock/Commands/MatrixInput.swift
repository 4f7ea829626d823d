import Tabular
import TabularIO

/// Reads a matrix option's file (`MatrixFile`); `-` is standard input, copied to a temporary file
/// first (`StandardInputFile`) and claimed for `--matrix`.
enum MatrixInput {
    static func read(path: String, targetName: String?, requireTarget: Bool = false, context: JobContext? = nil) throws -> LabelledMatrix {
        guard path == "-" else { return try MatrixFile.read(path: path, targetName: targetName, requireTarget: requireTarget) }
        try context?.claimStandardInput(for: "--matrix")
        let input = try StandardInputFile(option: "--matrix")
        return try MatrixFile.read(path: input.path, targetName: targetName, requireTarget: requireTarget)
    }

    /// A file path for an option that maps its input: the path itself, or standard input copied to a
    /// temporary file (kept alive by the returned holder) for `-`.
    static func readablePath(_ path: String, option: String, context: JobContext) throws -> (path: String, holder: StandardInputFile?) {
        guard path == "-" else { return (path, nil) }
        try context.claimStandardInput(for: option)
        let input = try StandardInputFile(option: option)
        return (input.path, input)
    }
}
