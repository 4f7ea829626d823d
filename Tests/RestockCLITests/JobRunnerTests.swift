import Foundation
import TestSupport
import Testing

/// What the job runner gives every command, through the built binary: pipes through `-`, one JSON
/// summary object with `--json`, `--quiet`, exit codes, and the refusals of impossible combinations.
@Suite(.serialized) struct JobRunnerTests {
    /// A small generated data folder and a model trained on it, shared by the tests of this suite.
    final class Workspace: @unchecked Sendable {
        let dir: TemporaryDirectory
        var data: String { dir.file("data") }
        var model: String { dir.file("model.rf") }
        var matrix: String { dir.file("features.csv") }

        init() throws {
            dir = try TemporaryDirectory()
            let generate = try RestockProcess.run(["generate", "--users", "150", "--seed", "3", "--out", dir.file("data"), "-q"])
            precondition(generate.status == 0, generate.stderr)
            let features = try RestockProcess.run(["features", "--data", dir.file("data"), "--out", dir.file("features.csv"), "-q"])
            precondition(features.status == 0, features.stderr)
            let train = try RestockProcess.run(["train", "--matrix", dir.file("features.csv"), "--model", dir.file("model.rf"),
                                                "--trees", "5", "-q"])
            precondition(train.status == 0, train.stderr)
        }

        deinit { dir.remove() }
    }

    static let workspace = Result { try Workspace() }

    static func shell(_ script: String) throws -> RestockProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RestockProcess.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                     stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The one JSON object a `--json` run printed on stdout.
    static func summary(_ result: RestockProcess.Result) throws -> [String: Any] {
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "stdout holds more than the summary: \(result.stdout.prefix(300))")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(result.stdout.prefix(300))")
    }

    /// Every key of a JSON value, at any depth, except inside `result` and `metrics` maps keyed by data.
    static func keys(_ value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, value in [key] + ((key == "rows" || key == "metrics") ? [] : keys(value)) }
        }
        if let array = value as? [Any] { return array.flatMap(keys) }
        return []
    }

    @Test func featuresToStandardOutputPipeIntoScoreFromStandardInput() throws {
        let w = try Self.workspace.get()
        let bin = RestockProcess.executable
        let piped = try Self.shell("'\(bin)' features --data '\(w.data)' --out - -q | '\(bin)' score --model '\(w.model)' --matrix - --out - -q")
        #expect(piped.status == 0, "\(piped.stderr)")
        let direct = try RestockProcess.run(["score", "--model", w.model, "--data", w.data, "--out", "-", "-q"])
        #expect(direct.status == 0)
        #expect(piped.stdout == direct.stdout)
        #expect(piped.stdout.hasPrefix("user_id,product_id,probability\n"))
        #expect(piped.stderr.isEmpty, "--quiet printed: \(piped.stderr)")
    }

    @Test func trainAndPredictReadStandardInput() throws {
        let w = try Self.workspace.get()
        let bin = RestockProcess.executable
        let model = w.dir.file("stdin.rf")
        let train = try Self.shell("cat '\(w.matrix)' | '\(bin)' train --matrix - --model '\(model)' --trees 5 -q")
        #expect(train.status == 0, "\(train.stderr)")
        let versions = try [model, w.model].map { path in
            try Self.summary(RestockProcess.run(["inspect", "--model", path, "--json"]))["model_version"] as? String
        }
        #expect(versions[0] != nil && versions[0] == versions[1], "the same training from standard input gave another model: \(versions)")
        let predict = try Self.shell("cat '\(model)' | '\(bin)' predict --model - --matrix '\(w.matrix)' --out - -q")
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.hasPrefix("prediction\n"))
    }

    @Test func everyJobPrintsOneSnakeCaseJSONSummary() throws {
        let w = try Self.workspace.get()
        let out = w.dir.file("json")
        let runs: [(String, [String])] = [
            ("generate", ["generate", "--users", "40", "--seed", "5", "--out", out + "-data"]),
            ("stats", ["stats", "--data", w.data]),
            ("features", ["features", "--data", w.data, "--out", out + ".bin"]),
            ("train", ["train", "--matrix", w.matrix, "--model", out + ".rf", "--trees", "3"]),
            ("predict", ["predict", "--model", w.model, "--matrix", w.matrix, "--out", out + "-predictions.csv"]),
            ("score", ["score", "--model", w.model, "--data", w.data, "--out", out + "-scores.csv"]),
            ("recommend", ["recommend", "--model", w.model, "--data", w.data, "--out", out + "-stock.csv", "--baskets", out + "-baskets.csv"]),
            ("inspect", ["inspect", "--model", w.model]),
            ("evaluate", ["evaluate", "--matrix", w.matrix, "--folds", "2", "--trees", "3"]),
            ("sweep", ["sweep", "--matrix", w.matrix, "--folds", "2", "--grid", "trees=2,3", "--out", out + "-sweep"]),
        ]
        for (command, arguments) in runs {
            let result = try RestockProcess.run(arguments + ["--json"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let summary = try Self.summary(result)
            #expect(summary["command"] as? String == command)
            #expect(summary["status"] as? String == "ok")
            #expect(summary["exit_code"] as? Int == 0)
            #expect(UUID(uuidString: summary["run_id"] as? String ?? "") != nil)
            #expect(summary["inputs"] is [Any] && summary["outputs"] is [Any] && summary["rows"] is [String: Any])
            #expect((summary["seconds"] as? [String: Any])?["total"] is Double || (summary["seconds"] as? [String: Any])?["total"] is Int)
            let badKeys = Self.keys(summary).filter { $0.contains(where: \.isUppercase) }
            #expect(badKeys.isEmpty, "\(command): keys not in snake_case: \(badKeys)")
            if ["train", "recommend", "inspect", "sweep"].contains(command) {
                #expect((summary["model_version"] as? String)?.hasPrefix("rf-") == true, "\(command) has no model_version")
            }
            if ["evaluate", "sweep"].contains(command) { #expect(summary["metrics"] is [String: Any], "\(command) has no metrics") }
            if ["stats", "inspect"].contains(command) { #expect(summary["result"] is [String: Any], "\(command) has no result") }
            if command == "evaluate" {
                let backtest = (summary["result"] as? [String: Any])?["stock_backtest"] as? [String: Any]
                let runs = backtest?["runs"] as? [[String: Any]] ?? []
                let policies = Set(runs.compactMap { $0["policy"] as? String })
                #expect(policies == ["forest", "ridge", "past_rate", "moving_average"], "evaluate backtest policies: \(policies)")
                #expect(runs.count == 24 && runs.allSatisfy { ($0["levels"] as? [Any])?.count == 3 })
            }
        }
    }

    @Test func exitCodesNameTheKindOfFailure() throws {
        let w = try Self.workspace.get()
        let usage = try RestockProcess.run(["features", "--data", w.data])
        #expect(usage.status == 64)

        let broken = try TemporaryDirectory()
        for file in ["aisles.csv", "departments.csv", "products.csv", "orders.csv", "order_products__prior.csv", "order_products__train.csv"] {
            try FileManager.default.copyItem(atPath: w.data + "/" + file, toPath: broken.file(file))
        }
        var orders = try String(contentsOfFile: broken.file("orders.csv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        orders[3] = "x,y,prior,1,2,3,"
        try orders.joined(separator: "\n").write(toFile: broken.file("orders.csv"), atomically: true, encoding: .utf8)
        let bad = try RestockProcess.run(["features", "--data", broken.path, "--out", broken.file("m.csv"), "--json"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("orders.csv:4: column order_id"), "\(bad.stderr)")
        let failure = try Self.summary(bad)
        #expect(failure["status"] as? String == "failed")
        #expect(failure["exit_code"] as? Int == 65)
        #expect((failure["error"] as? [String: Any])?["code"] as? String == "bad_input")
        #expect(!FileManager.default.fileExists(atPath: broken.file("m.csv")))

        let unwritable = try RestockProcess.run(["predict", "--model", w.model, "--matrix", w.matrix, "--out", "/nonexistent-dir/p.csv"])
        #expect(unwritable.status == 74, "\(unwritable.stderr)")
    }

    @Test func standardOutputAndInputAreNotClaimedTwice() throws {
        let w = try Self.workspace.get()
        let json = try RestockProcess.run(["features", "--data", w.data, "--out", "-", "--json"])
        #expect(json.status == 64)
        #expect(json.stdout.isEmpty)
        let twice = try RestockProcess.run(["predict", "--model", "-", "--matrix", "-", "--out", w.dir.file("p.csv")], input: "x\n")
        #expect(twice.status == 64, "\(twice.stderr)")
        #expect(twice.stderr.contains("standard input"))
    }

    @Test func aBadMatrixOnStandardInputIsNamedSo() throws {
        let result = try RestockProcess.run(["train", "--matrix", "-", "--model", "/tmp/never.rf", "-q"],
                                            input: "user_id,product_id,x,y\n1,2,abc,1\n")
        #expect(result.status == 65)
        #expect(result.stderr.contains("standard input:2"), "\(result.stderr)")
        #expect(!result.stderr.contains("restock-stdin-"))
    }

    @Test func quietPrintsNothingAndDefaultPrintsOneSummaryLine() throws {
        let w = try Self.workspace.get()
        let quiet = try RestockProcess.run(["features", "--data", w.data, "--out", w.dir.file("q.bin"), "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty)
        let normal = try RestockProcess.run(["features", "--data", w.data, "--out", w.dir.file("n.bin")])
        #expect(normal.stdout.isEmpty)
        #expect(normal.stderr.split(separator: "\n").filter { $0.hasPrefix("features: wrote") }.count == 1)
    }

    @Test func statsTakesDataAndKeepsThePositionalFolderWithANote() throws {
        let w = try Self.workspace.get()
        let option = try RestockProcess.run(["stats", "--data", w.data])
        let positional = try RestockProcess.run(["stats", w.data])
        #expect(option.status == 0 && positional.status == 0)
        #expect(option.stdout == positional.stdout)
        #expect(positional.stderr.contains("deprecated"))
        #expect(!option.stderr.contains("deprecated"))
    }

    @Test func helpShowsNoCoreCountOfTheBuildMachine() throws {
        for command in ["generate", "features", "train", "score", "recommend", "evaluate"] {
            let help = try RestockProcess.run(["help", command])
            #expect(help.stdout.contains("all cores"), "\(command)")
            #expect(!help.stdout.contains("(default: \(ProcessInfo.processInfo.activeProcessorCount))"), "\(command)")
            #expect(!help.stdout.contains("TASK.md"), "\(command)")
        }
    }
}
