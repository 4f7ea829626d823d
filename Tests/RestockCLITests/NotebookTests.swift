import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

/// The notebooks that `evaluate --report` and `sweep --report` write render: every figure they link
/// exists and is well-formed SVG, on a small generated dataset (the path scripts/notebooks takes);
/// the evaluation notebook has each of its charts, "Regenerate with" quotes the prelude on its own
/// line, and `--json` carries each model's per-fold scores.
@Test func evaluateAndSweepNotebooksRender() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = dir.file("data")
    #expect(try RestockProcess.run(["generate", "--users", "300", "--seed", "3", "--out", data]).status == 0)
    let prelude = "restock generate --users 300 --seed 3 --out \(data)"
    let evaluate = try RestockProcess.run(["evaluate", "--data", data, "--folds", "2", "--trees", "5",
                                           "--report", dir.file("evaluate.md"), "--report-prelude", prelude, "--json"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
    let metrics = try #require(json["metrics"] as? [String: [String: Any]])
    #expect(metrics.keys.sorted() == ["forest", "naive", "ridge"])
    for (name, model) in metrics {
        let folds = model["folds"] as? [[String: Any]]
        #expect(folds?.count == 2 && folds?.allSatisfy { $0["pair"] != nil && $0["demand"] != nil } == true, "\(name)")
    }
    let evaluation = try String(contentsOfFile: dir.file("evaluate.md"), encoding: .utf8)
    #expect(evaluation.contains("```sh\n\(prelude)\n") && !evaluation.contains("--report-prelude"))
    for figure in ["metrics-by-fold", "roc", "precision-recall", "calibration", "demand-scatter", "residuals-by-department", "importances"] {
        #expect(evaluation.contains("(evaluate_files/\(figure).svg)"), "\(figure)")
    }
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
    #expect(csv.split(separator: "\n").count == 4)
    #expect(csv.hasPrefix("# run {"))
}

/// Another --folds, --seed, fixed option or data set than the sweep.csv of --out: refused with a
/// non-zero exit, nothing skipped, best.rf untouched.
@Test func sweepRefusesToResumeAnotherRun() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = dir.file("data"), other = dir.file("other")
    #expect(try RestockProcess.run(["generate", "--users", "200", "--seed", "4", "--out", data]).status == 0)
    #expect(try RestockProcess.run(["generate", "--users", "200", "--seed", "5", "--out", other]).status == 0)
    let args = ["--grid", "trees=2,3", "--out", dir.file("s")]
    let first = try RestockProcess.run(["sweep", "--data", data, "--folds", "2"] + args)
    #expect(first.status == 0, "\(first.stderr)")
    let csv = try String(contentsOfFile: dir.file("s/sweep.csv"), encoding: .utf8)
    let best = try Data(contentsOf: URL(fileURLWithPath: dir.file("s/best.rf")))
    for (change, name) in [(["--data", data, "--folds", "3"], "folds"), (["--data", data, "--folds", "2", "--seed", "9"], "seed"),
                           (["--data", data, "--folds", "2", "--max-depth", "4"], "max-depth"),
                           (["--data", other, "--folds", "2"], "data")] {
        let run = try RestockProcess.run(["sweep"] + change + args)
        #expect(run.status == 64, "\(name)")
        #expect(run.stderr.contains("holds the results of another sweep run") && run.stderr.contains(name), "\(run.stderr)")
        #expect(run.stderr.contains("--out"))
        #expect(!run.stderr.contains("already in"))
        #expect(!run.stdout.contains("best:"))
    }
    #expect(try String(contentsOfFile: dir.file("s/sweep.csv"), encoding: .utf8) == csv)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("s/best.rf"))) == best)
}
