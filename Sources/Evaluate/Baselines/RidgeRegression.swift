import Tabular

/// Ridge regression on standardised features: minimises Σ(y − ŷ)² + λ‖β‖² where ŷ = ȳ + Σ βⱼ zⱼ and
/// zⱼ = (xⱼ − mⱼ) / sⱼ with the training mean mⱼ and standard deviation sⱼ (a constant feature gets
/// sⱼ = 1, so its z is 0). A missing value (NaN) is imputed with the training mean, i.e. z = 0.
///
/// The normal equations (ZᵀZ + λI) β = Zᵀ(y − ȳ) are formed with BLAS and solved by Cholesky
/// (`LAPACKE_dposv`); the intercept is ȳ and is not penalised. Cost O(n·p² + p³), memory O(n·p).
public struct RidgeRegression: Sendable, Equatable {
    public let schema: FeatureSchema
    public let lambda: Double
    public let means: [Double]
    public let scales: [Double]
    public let intercept: Double
    public let coefficients: [Double]

    /// Fits on the rows of `features` whose target is not NaN.
    public static func fit(features: FeatureMatrix, target: [Float], lambda: Double) throws -> RidgeRegression {
        precondition(target.count == features.rowCount, "RidgeRegression: one target per row")
        precondition(lambda >= 0, "RidgeRegression: lambda must be >= 0")
        let rows = target.indices.filter { !target[$0].isNaN }
        let n = rows.count, p = features.featureCount
        var means = [Double](repeating: 0, count: p)
        var scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let column = features.column(j)
            var sum = 0.0, count = 0
            for r in rows { let v = column[column.startIndex + r]; if !v.isNaN { sum += Double(v); count += 1 } }
            let mean = count > 0 ? sum / Double(count) : 0
            var squares = 0.0
            for r in rows {
                let v = column[column.startIndex + r]
                let d = (v.isNaN ? mean : Double(v)) - mean
                squares += d * d
            }
            let sd = n > 1 ? (squares / Double(n)).squareRoot() : 0
            means[j] = mean
            scales[j] = sd > 0 ? sd : 1
        }
        let yMean = n > 0 ? rows.reduce(0.0) { $0 + Double(target[$1]) } / Double(n) : 0
        var z = [Double](repeating: 0, count: n * p)
        var centred = [Double](repeating: 0, count: n)
        for (i, r) in rows.enumerated() {
            centred[i] = Double(target[r]) - yMean
            for j in 0..<p {
                let v = features[r, j]
                z[i * p + j] = v.isNaN ? 0 : (Double(v) - means[j]) / scales[j]
            }
        }
        var (gram, moment) = DenseLinearAlgebra.normalEquations(x: z, y: centred, rows: n, columns: p)
        // A tiny ridge keeps the system positive definite when λ = 0 and a feature is constant.
        for j in 0..<p { gram[j * p + j] += max(lambda, 1e-9) }
        let beta = p > 0 ? try DenseLinearAlgebra.solvePositiveDefinite(gram, moment, size: p) : []
        return RidgeRegression(schema: features.schema, lambda: lambda, means: means, scales: scales,
                               intercept: yMean, coefficients: beta)
    }

    /// ŷ for every row of `features` (same schema as the training matrix), or for the given `rows`
    /// of it in their order. Cost O(n·p).
    public func predict(_ features: FeatureMatrix, rows: [Int]? = nil) -> [Double] {
        precondition(features.schema == schema, "RidgeRegression: schema differs")
        let count = rows?.count ?? features.rowCount
        var out = [Double](repeating: intercept, count: count)
        for j in 0..<schema.count {
            let column = features.column(j)
            let m = means[j], s = scales[j], b = coefficients[j]
            for i in 0..<count {
                let v = column[column.startIndex + (rows?[i] ?? i)]
                if !v.isNaN { out[i] += b * (Double(v) - m) / s }
            }
        }
        return out
    }
}
