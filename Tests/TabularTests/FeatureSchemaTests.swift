import Tabular
import Testing

@Test func matchingSchemasHaveNoDifference() {
    let a = FeatureSchema(names: ["a", "b"])
    #expect(a.difference(from: FeatureSchema(names: ["a", "b"])) == nil)
}

@Test func differenceNamesMissingAndUnexpectedFeatures() {
    let data = FeatureSchema(names: ["a", "c"])
    let model = FeatureSchema(names: ["a", "b"])
    #expect(data.difference(from: model) == "missing b; unexpected c")
}

@Test func differenceNamesReorderedFeatures() {
    let data = FeatureSchema(names: ["b", "a"])
    let model = FeatureSchema(names: ["a", "b"])
    #expect(data.difference(from: model) == "same names in another order: position 1 is 'b' where 'a' is expected")
}

@Test func matrixIsColumnMajor() {
    let m = FeatureMatrix(schema: FeatureSchema(names: ["x", "y"]), columns: [[1, 2, 3], [4, 5, 6]])
    #expect(m.rowCount == 3)
    #expect(m[2, 0] == 3)
    #expect(m[0, 1] == 4)
    #expect(Array(m.column(named: "y")!) == [4, 5, 6])
    let picked = m.selectingRows([2, 0])
    #expect(picked.values == [3, 1, 6, 4])
}
