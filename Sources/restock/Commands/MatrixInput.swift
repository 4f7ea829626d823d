import Features
import Tabular
import TabularIO

/// Reads a matrix file for a command: the binary layout when the file starts with RSTKMAT1, else CSV.
/// `targetName` nil means: the binary file's own target, or the CSV column `y`.
enum MatrixInput {
    static func read(path: String, targetName: String?, requireTarget: Bool = false) throws -> LabelledMatrix {
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
