import Foundation
import TestSupport
import Testing

/// `--preset scikit-learn` restores TASK.md's parameters exactly, options given beside it win, and
/// the default (restock) preset picks the documented automatic min leaf.
@Suite struct ForestPresetTests {
    static func matrix(in dir: TemporaryDirectory) throws -> String {
        var text = "user_id,product_id,x0,x1,y\n"
        for r in 0..<1000 { text += "\(r / 5),\(r),\(Double(r % 17) / 17),\(Double((r * 7) % 11)),\(r % 17 > 8 || r % 13 == 0 ? 1 : 0)\n" }
        return try dir.write("train.csv", text)
    }

    static func inspect(_ path: String) throws -> [String: Any] {
        let run = try RestockProcess.run(["inspect", "--model", path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require(summary["result"] as? [String: Any])
    }

    @Test func thePresetEqualsTaskMdsParametersGivenOneByOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let matrix = try Self.matrix(in: dir)
        let common = ["train", "--matrix", matrix, "--trees", "4", "--seed", "3", "--threads", "1", "--quiet", "--date", "2024-01-01T00:00:00Z"]
        let preset = try RestockProcess.run(common + ["--preset", "scikit-learn", "--model", dir.file("preset.rf")])
        #expect(preset.status == 0, "\(preset.stderr)")
        let explicit = try RestockProcess.run(common + ["--max-features", "\(1.0 / 3.0)", "--min-samples-leaf", "5", "--max-depth", "0",
                                                        "--max-bins", "255", "--sample-fraction", "1", "--bootstrap",
                                                        "--min-impurity-decrease", "0", "--leaf-smoothing", "0", "--leaf-shrinkage", "0",
                                                        "--model", dir.file("explicit.rf")])
        #expect(explicit.status == 0, "\(explicit.stderr)")
        let a = try Self.inspect(dir.file("preset.rf")), b = try Self.inspect(dir.file("explicit.rf"))
        #expect(a["version"] as? String == b["version"] as? String)
        let parameters = try #require(a["parameters"] as? [String: Any])
        #expect(parameters["min_samples_leaf"] as? Int == 5 && parameters["leaf_smoothing"] == nil, "0 is not written")
        // an option beside the preset wins
        let overridden = try RestockProcess.run(common + ["--preset", "scikit-learn", "--min-samples-leaf", "9", "--model", dir.file("o.rf")])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        let c = try #require(try Self.inspect(dir.file("o.rf"))["parameters"] as? [String: Any])
        #expect(c["min_samples_leaf"] as? Int == 9 && c["leaf_smoothing"] == nil)
    }

    @Test func theDefaultPresetChoosesTheMinLeafFromTheRows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let matrix = try Self.matrix(in: dir)
        let run = try RestockProcess.run(["train", "--matrix", matrix, "--trees", "2", "--threads", "1", "--quiet", "--model", dir.file("d.rf")])
        #expect(run.status == 0, "\(run.stderr)")
        let parameters = try #require(try Self.inspect(dir.file("d.rf"))["parameters"] as? [String: Any])
        // 1,000 rows: max(5, round(1.5 · ∛1000)) = 15
        #expect(parameters["min_samples_leaf"] as? Int == 15 && parameters["leaf_smoothing"] as? Double == 10)
        let text = try RestockProcess.run(["inspect", "--model", dir.file("d.rf")])
        #expect(text.stdout.contains("min samples leaf 15 (automatic)"))
    }
}
