import COpenBLAS

/// Thin, checked wrappers over OpenBLAS and LAPACKE for row-major `Double` matrices.
public enum DenseLinearAlgebra {
    /// A failed LAPACK call: `info` as LAPACK returns it (> 0: the leading minor of that order is
    /// not positive definite; < 0: argument `-info` was illegal).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let routine: String
        public let info: Int32
        public var description: String {
            info > 0
                ? "\(routine): the matrix is not positive definite (leading minor \(info))"
                : "\(routine): argument \(-info) is invalid"
        }
    }

    /// C = A·B for row-major A (m×k) and B (k×n), through `cblas_dgemm`. Cost O(m·n·k).
    public static func product(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        precondition(a.count == m * k && b.count == k * n, "product: shapes do not match")
        var c = [Double](repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return c }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1.0, a, Int32(k), b, Int32(n), 0.0, &c, Int32(n))
        return c
    }

    /// The Gram matrix XᵀX (p×p) and the vector Xᵀy (p) of a row-major X (n×p), through
    /// `cblas_dsyrk`-equivalent `cblas_dgemm` and `cblas_dgemv`. Cost O(n·p²).
    public static func normalEquations(x: [Double], y: [Double], rows n: Int, columns p: Int) -> (gram: [Double], moment: [Double]) {
        precondition(x.count == n * p && y.count == n, "normalEquations: shapes do not match")
        var gram = [Double](repeating: 0, count: p * p)
        var moment = [Double](repeating: 0, count: p)
        guard n > 0, p > 0 else { return (gram, moment) }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(p), Int32(p), Int32(n),
                    1.0, x, Int32(p), x, Int32(p), 0.0, &gram, Int32(p))
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(p), 1.0, x, Int32(p), y, 1, 0.0, &moment, 1)
        return (gram, moment)
    }

    /// Solves A·x = b for a symmetric positive definite A (p×p, row-major) by Cholesky
    /// factorisation, `LAPACKE_dposv`. Cost O(p³/3). Throws `Failure` when A is not positive definite.
    public static func solvePositiveDefinite(_ a: [Double], _ b: [Double], size p: Int) throws -> [Double] {
        precondition(a.count == p * p && b.count == p, "solvePositiveDefinite: shapes do not match")
        var factor = a
        var solution = b
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), Int32(p), 1,
                                 &factor, Int32(p), &solution, 1)
        if info != 0 { throw Failure(routine: "dposv", info: info) }
        return solution
    }
}
