import Foundation
import TestSupport
import Testing

/// `recommend` reads predictions as reorder probabilities: a model trained on labels outside [0, 1]
/// (here 2 and -1) is refused, naming the model, before anything is written (it used to give
/// negative demand). The same model trained on 0/1 labels is accepted.
@Suite struct RecommendLabelRangeTests {
    @Test func aModelTrainedOnLabelsOutsideZeroOneIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "restock-label-range")
        defer { dir.remove() }
        let data = dir.file("data")
        let generated = try RestockProcess.run(["generate", "--users", "120", "--seed", "7", "--out", data])
        #expect(generated.status == 0, "\(generated.stderr)")
        let features = try RestockProcess.run(["features", "--data", data, "--out", dir.file("f.csv")])
        #expect(features.status == 0, "\(features.stderr)")

        // The same matrix with its 0/1 target recoded as -1/2.
        let lines = try String(contentsOfFile: dir.file("f.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        let target = try #require(header.firstIndex(of: "y"))
        var recoded = [String(lines[0])]
        for line in lines.dropFirst() {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if fields[target] == "1" { fields[target] = "2" } else if fields[target] == "0" { fields[target] = "-1" }
            recoded.append(fields.joined(separator: ","))
        }
        try (recoded.joined(separator: "\n") + "\n").write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)

        let bad = dir.file("bad.rf"), good = dir.file("good.rf")
        for (matrix, model) in [(dir.file("bad.csv"), bad), (dir.file("f.csv"), good)] {
            let trained = try RestockProcess.run(["train", "--matrix", matrix, "--model", model, "--trees", "3", "--no-out-of-bag",
                                                  "--permutation-rows", "0"])
            #expect(trained.status == 0, "\(trained.stderr)")
        }

        let out = dir.file("stock.csv")
        let refused = try RestockProcess.run(["recommend", "--model", bad, "--data", data, "--out", out, "--baskets", dir.file("b.csv")])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(bad) (rf-"), "\(refused.stderr)")
        #expect(refused.stderr.contains("not probabilities in [0, 1]"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: dir.file("b.csv")))

        // Through ClickHouse the model is checked before the server is asked anything.
        let viaClickHouse = try RestockProcess.run(["recommend", "--model", bad, "--clickhouse", "http://127.0.0.1:1", "--out", out])
        #expect(viaClickHouse.status == 65, "\(viaClickHouse.stderr)")
        #expect(viaClickHouse.stderr.contains("not probabilities in [0, 1]"), "\(viaClickHouse.stderr)")

        let accepted = try RestockProcess.run(["recommend", "--model", good, "--data", data, "--out", out])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let stock = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!stock.contains(",-"), "negative demand in \(stock.prefix(300))")
    }
}
