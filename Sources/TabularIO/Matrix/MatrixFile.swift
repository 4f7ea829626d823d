import Tabular

/// A matrix file of either layout, told apart by its first bytes: the binary layout (RSTKMAT1,
/// models/FORMAT.md) or CSV. Cost: that of the reader chosen.
public enum MatrixFile {
    /// Reads `path`. `targetName` nil means the binary file's own target, or the CSV column `y`;
    /// `requireTarget` refuses a matrix without one (for training).
    public static func read(path: String, targetName: String?, requireTarget: Bool = false) throws -> LabelledMatrix {
        if MatrixBinary.isBinaryMatrix(path: path) {
            let matrix = try MatrixBinary.read(path: path)
            if requireTarget, targetName == nil, matrix.target.allSatisfy({ $0.isNaN }) {
                throw MatrixFileError(path: path, reason: "the binary matrix has no target column")
            }
            if let targetName, matrix.targetName != targetName, matrix.target.contains(where: { !$0.isNaN }) {
                throw MatrixFileError(path: path, reason: "the binary matrix's target is '\(matrix.targetName)', not '\(targetName)'")
            }
            return matrix
        }
        return try MatrixCSV.read(path: path, targetName: targetName ?? "y", requireTarget: requireTarget)
    }
}
