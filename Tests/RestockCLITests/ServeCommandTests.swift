import Foundation
import Tabular
import TestSupport
import Testing

/// A CSV matrix (user_id, product_id, four features, y) and a 5-tree model trained on it by the CLI.
private struct Fixture {
    let dir: TemporaryDirectory
    let matrix: String
    let model: String

    init(rows: Int = 400) throws {
        dir = try TemporaryDirectory(prefix: "restock-cli-serve")
        var rng = TestRandom(seed: 5)
        var text = "user_id,product_id,a,b,c,d,y\n"
        for r in 0..<rows {
            let a = Double(rng.next() % 1000) / 1000, b = Double(rng.next() % 1000) / 1000
            let y = a > 0.5 ? 1 : 0
            text += "\(r / 4),\(100 + r % 9),\(a),\(b),\(rng.next() % 5),\(r % 7 == 0 ? "" : "\(b * 2)"),\(y)\n"
        }
        matrix = try dir.write("m.csv", text)
        model = dir.file("m.rf")
        let trained = try RestockProcess.run(["train", "--matrix", matrix, "--model", model, "--trees", "5", "--quiet",
                                              "--permutation-rows", "0", "--threads", "1"])
        #expect(trained.status == 0, "\(trained.stderr)")
    }
}

@Test func scoreReadsStandardInputAndWritesStandardOutput() throws {
    let f = try Fixture()
    defer { f.dir.remove() }
    let toFile = try RestockProcess.run(["score", "--model", f.model, "--matrix", f.matrix, "--out", f.dir.file("s.csv")])
    #expect(toFile.status == 0, "\(toFile.stderr)")
    #expect(toFile.stderr.contains("scored 400 rows"))
    let fileText = try String(contentsOfFile: f.dir.file("s.csv"), encoding: .utf8)
    #expect(fileText.hasPrefix("user_id,product_id,probability\n0,100,"))
    #expect(fileText.split(separator: "\n").count == 401)

    let input = try String(contentsOfFile: f.matrix, encoding: .utf8)
    let piped = try RestockProcess.run(["score", "--model", f.model, "--matrix", "-", "--out", "-", "--chunk-rows", "7", "--quiet"],
                                       input: input)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(piped.stdout == fileText)
    #expect(piped.stderr.isEmpty)
}

@Test func scoreNamesTheMalformedLineAndLeavesNoFile() throws {
    let f = try Fixture()
    defer { f.dir.remove() }
    var lines = try String(contentsOfFile: f.matrix, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[250] = "62,101,0.5,x7,1,0.2,1"           // line 251 of the file
    let bad = try f.dir.write("bad.csv", lines.joined(separator: "\n") + "\n")
    let result = try RestockProcess.run(["score", "--model", f.model, "--matrix", bad, "--out", f.dir.file("out.csv"),
                                         "--chunk-rows", "100"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("rror: \(bad):251: not a number in column b (value 'x7')"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: f.dir.file("out.csv")))
    #expect(f.dir.leftovers().isEmpty)

    let piped = try RestockProcess.run(["score", "--model", f.model, "--matrix", "-", "--out", f.dir.file("out.csv")],
                                       input: lines.joined(separator: "\n"))
    #expect(piped.status != 0)
    #expect(piped.stderr.contains("<stdin>:251: not a number"), "\(piped.stderr)")
    #expect(!FileManager.default.fileExists(atPath: f.dir.file("out.csv")))
}

@Test func scoreRefusesAnInputWithOtherFeatures() throws {
    let f = try Fixture()
    defer { f.dir.remove() }
    let other = try f.dir.write("other.csv", "user_id,product_id,a,b,e,y\n1,2,0.1,0.2,3,1\n")
    let result = try RestockProcess.run(["score", "--model", f.model, "--matrix", other, "--out", f.dir.file("out.csv")])
    #expect(result.status != 0)
    #expect(result.stderr.contains("the model was trained on other features: missing c, d; unexpected e"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: f.dir.file("out.csv")))

    let missing = try RestockProcess.run(["score", "--model", f.dir.file("absent.rf"), "--matrix", f.matrix, "--out", "-"])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("absent.rf"), "\(missing.stderr)")
    let noInput = try RestockProcess.run(["score", "--model", f.model, "--matrix", f.dir.file("absent.csv"), "--out", "-"])
    #expect(noInput.status != 0)
    #expect(noInput.stderr.contains("absent.csv") && noInput.stderr.contains("No such file"), "\(noInput.stderr)")
    let both = try RestockProcess.run(["score", "--model", f.model, "--out", "-"])
    #expect(both.status != 0 && both.stderr.contains("exactly one of --data DIR, --clickhouse URL and --matrix FILE"))
}

@Test func recommendWritesSortedStockAndBaskets() throws {
    let dir = try TemporaryDirectory(prefix: "restock-cli-recommend")
    defer { dir.remove() }
    let data = dir.file("data"), model = dir.file("m.rf")
    #expect(try RestockProcess.run(["generate", "--users", "300", "--seed", "2", "--out", data]).status == 0)
    let trained = try RestockProcess.run(["train", "--data", data, "--model", model, "--trees", "4", "--quiet",
                                          "--permutation-rows", "0"])
    #expect(trained.status == 0, "\(trained.stderr)")
    let result = try RestockProcess.run(["recommend", "--model", model, "--data", data, "--out", dir.file("stock.csv"),
                                         "--baskets", dir.file("baskets.csv"), "--top", "5", "--service-level", "0.9",
                                         "--stock-rule", "normal"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("top 5 of"))
    #expect(result.stdout.split(separator: "\n").count == 7)        // title, header, 5 rows

    let lines = try String(contentsOfFile: dir.file("stock.csv"), encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "product_id,product_name,aisle,department,expected_demand,stddev,recommended_stock,service_level,model_version")
    let z = 1.2815515655446004
    var previous = Double.infinity
    var versions = Set<Substring>()
    for line in lines.dropFirst() {
        let fields = csvFields(line)
        #expect(fields.count == 9, "\(line)")
        let mu = Double(fields[4])!, sigma = Double(fields[5])!, stock = Int(fields[6])!
        #expect(mu <= previous)
        previous = mu
        let level = mu + z * sigma
        if abs(level - level.rounded()) > 1e-3 { #expect(stock == Int(level.rounded(.up)), "\(line)") }
        #expect(fields[7] == "0.9")
        versions.insert(fields[8])
    }
    #expect(versions.count == 1 && versions.first!.hasPrefix("rf-"))

    let baskets = try String(contentsOfFile: dir.file("baskets.csv"), encoding: .utf8).split(separator: "\n")
    #expect(baskets[0] == "user_id,order_id,products,expected_f1")
    #expect(baskets.count == 301)       // every generated user has a next order
    #expect(baskets.dropFirst().allSatisfy { line in
        let products = line.split(separator: ",")[2]
        return !products.isEmpty && products.split(separator: " ").allSatisfy { $0 == "None" || Int($0) != nil }
    })

    let badLevel = try RestockProcess.run(["recommend", "--model", model, "--data", data, "--out", dir.file("x.csv"),
                                           "--service-level", "1.5"])
    #expect(badLevel.status != 0 && badLevel.stderr.contains("--service-level"))
    let noData = try RestockProcess.run(["recommend", "--model", model, "--data", dir.file("nowhere"), "--out", dir.file("x.csv")])
    #expect(noData.status != 0 && noData.stderr.contains("nowhere"))
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.csv")))
}

/// Splits one CSV line with RFC 4180 quotes.
private func csvFields(_ line: Substring) -> [Substring] {
    var fields: [Substring] = []
    var i = line.startIndex, start = i, quoted = false
    while i < line.endIndex {
        let c = line[i]
        if c == "\"" { quoted.toggle() } else if c == "," && !quoted {
            fields.append(line[start..<i])
            start = line.index(after: i)
        }
        i = line.index(after: i)
    }
    fields.append(line[start..<line.endIndex])
    return fields
}
