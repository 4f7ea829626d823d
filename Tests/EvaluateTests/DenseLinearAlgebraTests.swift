import Evaluate
import Tabular
import Testing
import TestSupport

@Test func dgemmMultipliesRowMajorMatrices() {
    // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
    let c = DenseLinearAlgebra.product([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], m: 2, k: 3, n: 2)
    #expect(c == [58, 64, 139, 154])
}

@Test func dposvSolvesAHandComputedRidgeSystem() throws {
    // X = [1 0; 0 1; 1 1], y = [1, 2, 3], λ = 1:
    // XᵀX + λI = [3 1; 1 3], Xᵀy = [4, 5]  =>  β = [7/8, 11/8] (by hand: 3a + b = 4, a + 3b = 5).
    let x: [Double] = [1, 0, 0, 1, 1, 1]
    var (gram, moment) = DenseLinearAlgebra.normalEquations(x: x, y: [1, 2, 3], rows: 3, columns: 2)
    #expect(gram == [2, 1, 1, 2])
    #expect(moment == [4, 5])
    gram[0] += 1; gram[3] += 1
    let beta = try DenseLinearAlgebra.solvePositiveDefinite(gram, moment, size: 2)
    #expect(isClose(beta[0], 7.0 / 8.0, tolerance: 1e-12))
    #expect(isClose(beta[1], 11.0 / 8.0, tolerance: 1e-12))
}

@Test func dposvRefusesAnIndefiniteMatrix() {
    #expect(throws: DenseLinearAlgebra.Failure.self) {
        try DenseLinearAlgebra.solvePositiveDefinite([1, 2, 2, 1], [1, 1], size: 2)
    }
}

@Test func ridgeWithTinyLambdaRecoversALinearLaw() throws {
    // y = 2 + 3 x0 - x1, no noise; x1 has a missing value on a row that is then imputed.
    var random = TestRandom(seed: 7)
    let n = 200
    var x0: [Float] = [], x1: [Float] = [], y: [Float] = []
    for _ in 0..<n {
        let a = Float.random(in: 0...1, using: &random), b = Float.random(in: 0...1, using: &random)
        x0.append(a); x1.append(b); y.append(2 + 3 * a - b)
    }
    let m = FeatureMatrix(schema: FeatureSchema(names: ["x0", "x1"]), columns: [x0, x1])
    let model = try RidgeRegression.fit(features: m, target: y, lambda: 0)
    let predicted = model.predict(m)
    for r in 0..<n { #expect(isClose(predicted[r], Double(y[r]), tolerance: 1e-4)) }
    // Standardised coefficients are β·sd: the raw slope is recovered as β / scale.
    #expect(isClose(model.coefficients[0] / model.scales[0], 3, tolerance: 1e-4))
    #expect(isClose(model.coefficients[1] / model.scales[1], -1, tolerance: 1e-4))
}

@Test func ridgeShrinksTowardsTheMeanAsLambdaGrows() throws {
    let m = FeatureMatrix(schema: FeatureSchema(names: ["x"]), columns: [[0, 1, 2, 3, .nan]])
    let y: [Float] = [0, 1, 2, 3, 10]
    let loose = try RidgeRegression.fit(features: m, target: y, lambda: 0.001)
    let tight = try RidgeRegression.fit(features: m, target: y, lambda: 1e6)
    #expect(abs(tight.coefficients[0]) < abs(loose.coefficients[0]) / 100)
    #expect(isClose(tight.predict(m)[0], 16.0 / 5.0, tolerance: 1e-3))   // ≈ ȳ
}
