import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// The notebooks that `evaluate --report` and `sweep --report` write render: every figure they link
/// exists and is well-formed SVG, on a small generated dataset (the path scripts/notebooks takes).
@Test func evaluateAndSweepNotebooksRender() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = dir.file("data")
    #expect(try RestockProcess.run(["generate", "--users", "300", "--seed", "3", "--out", data]).status == 0)
    let evaluate = try RestockProcess.run(["evaluate", "--data", data, "--folds", "2", "--trees", "5",
                                           "--report", dir.file("evaluate.md")])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    #expect(evaluate.stdout.contains("forest") && evaluate.stdout.contains("ridge") && evaluate.stdout.contains("naive"))
    let sweep = try RestockProcess.run(["sweep", "--data", data, "--folds", "2", "--grid", "trees=3,5 min-samples-leaf=5,10",
                                        "--out", dir.file("sweep"), "--report", dir.file("sweep.md")])
    #expect(sweep.status == 0, "\(sweep.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.file("sweep/best.rf")))
    for notebook in ["evaluate.md", "sweep.md"] {
        let text = try String(contentsOfFile: dir.file(notebook), encoding: .utf8)
        let links = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("!["), let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(!links.isEmpty, "\(notebook) has no figure")
        for link in links {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir.file(link)))
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(link) is not well-formed: \(String(describing: parser.parserError))")
        }
    }
}

@Test func sweepResumesWithoutRedoingFinishedConfigurations() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = dir.file("data")
    #expect(try RestockProcess.run(["generate", "--users", "200", "--seed", "4", "--out", data]).status == 0)
    let args = ["sweep", "--data", data, "--folds", "2", "--grid", "trees=2,3", "--out", dir.file("s")]
    #expect(try RestockProcess.run(args).status == 0)
    let second = try RestockProcess.run(args)
    #expect(second.status == 0)
    #expect(second.stderr.components(separatedBy: "already in").count - 1 == 2)
    let csv = try String(contentsOfFile: dir.file("s/sweep.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 3)
}
