import COpenBLAS
import Tabular

/// The sufficient statistics of ridge regression per block of rows, so that the standardised
/// normal equations of any union of blocks come from sums of small matrices instead of a new pass
/// over the rows (the Gram of a training set = the sum of its blocks' Grams).
///
/// Each labelled row r (target not NaN) becomes w = [x̃₁ … x̃ₚ, m_a … m_b, 1] where x̃ⱼ = xⱼ − shiftⱼ
/// (0 when missing; shiftⱼ = the mean of the present values over all labelled rows, which keeps the
/// uncentred sums well conditioned), mⱼ = 1 when xⱼ is present (one indicator per feature that has a
/// missing value; a feature without one uses the constant column). Per block b: Gᵦ = Σ wwᵀ and
/// hᵦ = Σ w·y, accumulated in Double with `cblas_dsyrk`/`cblas_dgemv` over chunks of rows.
///
/// For a set of rows with sums G, h: n = G[1,1], the training mean of feature j is
/// μⱼ = G[xⱼ,1] / G[mⱼ,1], its centred imputed value is cⱼ = x̃ⱼ − μⱼ mⱼ (a missing value gets the
/// mean, c = 0), and Σ cⱼcₖ = G[xⱼ,xₖ] − μₖ G[xⱼ,mₖ] − μⱼ G[mⱼ,xₖ] + μⱼμₖ G[mⱼ,mₖ] — exactly what
/// `RidgeRegression.fit` forms from the rows, so both give the same model up to rounding.
/// Cost: one pass, O(n·q²) with q = p + (features with a missing value) + 1; memory O(blocks·q²).
struct RidgeBlockGrams {
    let schema: FeatureSchema
    let p: Int
    /// Column of each feature's presence indicator in w (the constant column when never missing).
    let presence: [Int]
    let q: Int
    let shift: [Double]
    var grams: [[Double]]
    var moments: [[Double]]

    /// `rows`: the matrix rows to use (nil: all), with `target` and `blockOfRow` given per entry of
    /// `rows`, so that a training set is read in place instead of copied out of the matrix.
    init(features: FeatureMatrix, rows subset: [Int]? = nil, target: [Float], blockOfRow: [Int], blocks: Int) {
        p = features.featureCount
        schema = features.schema
        // The labelled entries (target not NaN) and their matrix rows, in order.
        let labelled = target.indices.filter { !target[$0].isNaN }
        let rows = subset.map { subset in labelled.map { subset[$0] } } ?? labelled
        var shift = [Double](repeating: 0, count: p)
        var hasMissing = [Bool](repeating: false, count: p)
        for j in 0..<p {
            let column = features.column(j)
            var sum = 0.0, count = 0
            for r in rows {
                let v = column[column.startIndex + r]
                if v.isNaN { hasMissing[j] = true } else { sum += Double(v); count += 1 }
            }
            shift[j] = count > 0 ? sum / Double(count) : 0
        }
        var presence = [Int](repeating: 0, count: p)
        var next = p
        for j in 0..<p where hasMissing[j] { presence[j] = next; next += 1 }
        let one = next
        for j in 0..<p where !hasMissing[j] { presence[j] = one }
        q = one + 1
        self.presence = presence
        self.shift = shift
        var rowsOfBlock = [[Int]](repeating: [], count: blocks)
        var targetsOfBlock = [[Float]](repeating: [], count: blocks)
        for (i, r) in zip(labelled, rows) {
            rowsOfBlock[blockOfRow[i]].append(r)
            targetsOfBlock[blockOfRow[i]].append(target[i])
        }
        // One task per block (each block's sums are its own, accumulated in the same order as on one
        // thread, so the result does not depend on the thread count).
        let (width, count, present, shifts, blockRows, blockTargets) = (q, p, presence, shift, rowsOfBlock, targetsOfBlock)
        let sums = ParallelMap.map(count: blocks) { b in
            Self.sums(features: features, rows: blockRows[b], targets: blockTargets[b], p: count, q: width, presence: present, shift: shifts)
        }
        let grams = sums.map(\.gram), moments = sums.map(\.moment)
        self.grams = grams
        self.moments = moments
    }

    /// G = Σ wwᵀ and h = Σ w·y over the matrix `rows` (labelled) with their `targets`, in chunks of
    /// 4,096 rows: `cblas_dsyrk` and `cblas_dgemv` per chunk. Cost O(rows·q²).
    private static func sums(features: FeatureMatrix, rows blockRows: [Int], targets: [Float], p: Int, q: Int,
                             presence: [Int], shift: [Double]) -> (gram: [Double], moment: [Double]) {
        let one = q - 1
        var gram = [Double](repeating: 0, count: q * q), moment = [Double](repeating: 0, count: q)
        let chunk = 4096
        var w = [Double](repeating: 0, count: chunk * q)
        var y = [Double](repeating: 0, count: chunk)
        let q32 = Int32(q)
        var start = 0
        while start < blockRows.count {
            let end = min(start + chunk, blockRows.count), m = end - start
            for i in 0..<(m * q) { w[i] = 0 }
            for (i, r) in blockRows[start..<end].enumerated() {
                y[i] = Double(targets[start + i])
                w[i * q + one] = 1
                for j in 0..<p {
                    let v = features[r, j]
                    if !v.isNaN {
                        w[i * q + j] = Double(v) - shift[j]
                        if presence[j] != one { w[i * q + presence[j]] = 1 }
                    }
                }
            }
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, q32, Int32(m), 1.0, w, q32, 1.0, &gram, q32)
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(m), q32, 1.0, w, q32, y, 1, 1.0, &moment, 1)
            start = end
        }
        // dsyrk filled the upper triangle: mirror it.
        for j in 0..<q { for k in 0..<j { gram[j * q + k] = gram[k * q + j] } }
        return (gram, moment)
    }

    /// Σ (y − ŷ)² − Σ y² over the labelled rows of `block` for `model` (a fit of these Grams), from
    /// the block's sums alone: on a row, ŷ = aᵀw with a[j] = βⱼ/sⱼ, a[mⱼ] −= βⱼ(meanⱼ − shiftⱼ)/sⱼ
    /// and a[1] += intercept (a missing xⱼ has w = 0 in both places, i.e. z = 0, the mean), so
    /// Σ(y − ŷ)² = Σy² − 2aᵀhᵦ + aᵀGᵦa. Σy² is the same for every model, so comparing these values
    /// compares held-out squared errors. Cost O(q²), no pass over the rows.
    func heldOutSquaredErrorOffset(block: Int, model: RidgeRegression) -> Double {
        let one = q - 1
        var a = [Double](repeating: 0, count: q)
        a[one] = model.intercept
        for j in 0..<p {
            let slope = model.coefficients[j] / model.scales[j]
            a[j] += slope
            a[presence[j]] -= slope * (model.means[j] - shift[j])
        }
        let g = grams[block], h = moments[block]
        var quadratic = 0.0, linear = 0.0
        for j in 0..<q {
            var row = 0.0
            for k in 0..<q { row += g[j * q + k] * a[k] }
            quadratic += a[j] * row
            linear += a[j] * h[j]
        }
        return quadratic - 2 * linear
    }

    /// The ridge fit on the rows of the given blocks, as `RidgeRegression.fit` on those rows would give.
    func fit(blocks chosen: [Int], lambdas: [Double]) throws -> [RidgeRegression] {
        var g = [Double](repeating: 0, count: q * q), h = [Double](repeating: 0, count: q)
        for b in chosen {
            for i in g.indices { g[i] += grams[b][i] }
            for i in h.indices { h[i] += moments[b][i] }
        }
        let one = q - 1
        let n = g[one * q + one]
        let yMean = n > 0 ? h[one] / n : 0
        var mu = [Double](repeating: 0, count: p), scale = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let count = g[presence[j] * q + one]
            mu[j] = count > 0 ? g[j * q + one] / count : 0
        }
        func centredCross(_ j: Int, _ k: Int) -> Double {
            let mj = presence[j], mk = presence[k]
            return g[j * q + k] - mu[k] * g[j * q + mk] - mu[j] * g[mj * q + k] + mu[j] * mu[k] * g[mj * q + mk]
        }
        for j in 0..<p {
            let sd = n > 1 ? (max(centredCross(j, j), 0) / n).squareRoot() : 0
            scale[j] = sd > 0 ? sd : 1
        }
        var gram = [Double](repeating: 0, count: p * p), moment = [Double](repeating: 0, count: p)
        for j in 0..<p {
            for k in j..<p {
                let v = centredCross(j, k) / (scale[j] * scale[k])
                gram[j * p + k] = v
                gram[k * p + j] = v
            }
            let cy = h[j] - mu[j] * h[presence[j]]
            let cSum = g[j * q + one] - mu[j] * g[presence[j] * q + one]
            moment[j] = (cy - yMean * cSum) / scale[j]
        }
        let means = (0..<p).map { mu[$0] + shift[$0] }
        return try lambdas.map { lambda in
            var a = gram
            for j in 0..<p { a[j * p + j] += max(lambda, 1e-9) }
            let beta = p > 0 ? try DenseLinearAlgebra.solvePositiveDefinite(a, moment, size: p) : []
            return RidgeRegression(schema: schema, lambda: lambda, means: means, scales: scale, intercept: yMean, coefficients: beta)
        }
    }
}
