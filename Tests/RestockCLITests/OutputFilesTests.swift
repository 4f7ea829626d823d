import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the commands treat their output files (issue 12, findings 3, 4, 5, 7 and 10): two runs on
/// one output path, outputs equal to inputs, devices, pipes and symbolic links, interruption by
/// SIGINT/SIGTERM, and a standard output that cannot be written.

/// A generated data folder, its feature matrix and a small model trained on it by the CLI.
private struct Workspace {
    let dir: TemporaryDirectory
    let data: String
    let matrix: String
    let model: String

    init(users: Int = 120, seed: UInt64 = 1) throws {
        dir = try TemporaryDirectory(prefix: "restock-cli-outputs")
        data = dir.file("data")
        matrix = dir.file("m.csv")
        model = dir.file("m.rf")
        try Self.expectSuccess(["generate", "--users", "\(users)", "--seed", "\(seed)", "--out", data, "--quiet"])
        try Self.expectSuccess(["features", "--data", data, "--out", matrix, "--quiet"])
        try Self.expectSuccess(["train", "--matrix", matrix, "--model", model, "--trees", "3", "--permutation-rows", "0",
                                "--threads", "1", "--quiet"])
    }

    static func expectSuccess(_ arguments: [String]) throws {
        let result = try RestockProcess.run(arguments)
        try #require(result.status == 0, "\(arguments): \(result.stderr)")
    }
}

private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

private func fileKind(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

/// Runs `restock arguments…` with standard output sent to `stdoutPath` (a device, say).
private func run(_ arguments: [String], stdoutPath: String) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: RestockProcess.executable)
    process.arguments = arguments
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let text = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: text, as: UTF8.self))
}

// MARK: - 3. two runs writing one path

@Test func twoConcurrentRunsOnOneOutputFolderLeaveOneRunsWholeFiles() throws {
    // generate writes its six files over the whole run, so two runs overlap for most of it
    let dir = try TemporaryDirectory(prefix: "restock-cli-outputs")
    defer { dir.remove() }
    let seeds = ["1", "2"]
    for seed in seeds {
        try Workspace.expectSuccess(["generate", "--users", "3000", "--seed", seed, "--out", dir.file("ref\(seed)"), "--threads", "1", "--quiet"])
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("ref1")).sorted()
    #expect(files.count == 6)
    for round in 0..<3 {
        let same = dir.file("same\(round)")
        let statuses = StatusList()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let result = try? RestockProcess.run(["generate", "--users", "3000", "--seed", seeds[i], "--out", same, "--threads", "1", "--quiet"])
            statuses.append(result?.status ?? -1)
        }
        #expect(statuses.values == [0, 0], "round \(round)")
        let origins = files.map { name -> [String] in
            seeds.filter { bytes(dir.file("ref\($0)/\(name)")) == bytes(same + "/" + name) }
        }
        // every file is one run's whole file, and all six come from the same run
        #expect(origins.allSatisfy { !$0.isEmpty }, "round \(round): \(zip(files, origins).map { "\($0): \($1)" })")
        #expect(seeds.contains { seed in origins.allSatisfy { $0.contains(seed) } }, "round \(round): \(origins)")
        #expect(TemporaryDirectory.leftovers(in: same).isEmpty)
    }
}

private final class StatusList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int32] = []
    func append(_ status: Int32) { lock.lock(); list.append(status); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return list }
}

// MARK: - 4. an output that is an input

@Test func anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws {
    let w = try Workspace()
    defer { w.dir.remove() }
    let matrixBefore = try #require(bytes(w.matrix))
    let ordersBefore = try #require(bytes(w.data + "/orders.csv"))
    let modelBefore = try #require(bytes(w.model))
    try w.dir.write("x.csv", "kept\n")
    #expect(link(w.matrix, w.dir.file("hard.csv")) == 0)
    #expect(symlink(w.matrix, w.dir.file("soft.csv")) == 0)
    let cases: [(arguments: [String], options: [String])] = [
        (["predict", "--model", w.model, "--matrix", w.matrix, "--out", w.matrix], ["--out", "--matrix"]),
        (["train", "--matrix", w.matrix, "--model", w.matrix, "--trees", "2"], ["--model", "--matrix"]),
        (["features", "--data", w.data, "--out", w.data + "/orders.csv"], ["--out", "--data"]),
        (["recommend", "--model", w.model, "--data", w.data, "--out", w.dir.file("x.csv"), "--baskets", w.dir.file("x.csv")],
         ["--baskets", "--out"]),
        (["predict", "--model", w.model, "--matrix", w.matrix, "--out", w.dir.file("hard.csv")], ["--out", "--matrix"]),
        (["predict", "--model", w.model, "--matrix", w.matrix, "--out", w.dir.file("soft.csv")], ["--out", "--matrix"]),
        (["score", "--model", w.model, "--matrix", w.matrix, "--out", w.model], ["--out", "--model"]),
    ]
    for c in cases {
        let result = try RestockProcess.run(c.arguments)
        #expect(result.status == 64, "\(c.arguments): \(result.stderr)")
        #expect(result.stderr.contains("\(c.options[0]) ") && result.stderr.contains(" and \(c.options[1]) ")
                && result.stderr.contains("are the same file"), "\(result.stderr)")
        #expect(!result.stderr.contains("\n\(c.arguments[0]):"), "no work may be done: \(result.stderr)")
    }
    #expect(bytes(w.matrix) == matrixBefore)
    #expect(bytes(w.data + "/orders.csv") == ordersBefore)
    #expect(bytes(w.model) == modelBefore)
    #expect(bytes(w.dir.file("x.csv")) == Data("kept\n".utf8))
    #expect(fileKind(w.dir.file("soft.csv")) == S_IFLNK)
    #expect(w.dir.leftovers().isEmpty)
}

// MARK: - 5. devices, pipes and symbolic links

@Test func aModelWrittenToAFullDeviceFailsAndTheDeviceStays() throws {
    // Never write to /dev/full unless it is the device: a writer that replaced it would break the machine.
    try #require(fileKind("/dev/full") == S_IFCHR, "/dev/full is not a character device here")
    let w = try Workspace()
    defer { w.dir.remove() }
    let result = try RestockProcess.run(["train", "--matrix", w.matrix, "--model", "/dev/full", "--trees", "2", "--quiet"])
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.contains("cannot write /dev/full: No space left on device"), "\(result.stderr)")
    #expect(fileKind("/dev/full") == S_IFCHR)

    let toNull = try RestockProcess.run(["train", "--matrix", w.matrix, "--model", "/dev/null", "--trees", "2", "--quiet"])
    #expect(toNull.status == 0, "\(toNull.stderr)")
    #expect(fileKind("/dev/null") == S_IFCHR)
}

@Test func aNamedPipeOutputIsWrittenThrough() throws {
    let w = try Workspace()
    defer { w.dir.remove() }
    for (name, arguments, magic) in [
        ("model.fifo", ["train", "--matrix", w.matrix, "--trees", "2", "--permutation-rows", "0", "--model"], "RSTKFRST"),
        ("predictions.fifo", ["predict", "--model", w.model, "--matrix", w.matrix, "--out"], "prediction\n"),
    ] {
        let fifo = w.dir.file(name)
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = Received()
        let readerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let handle = FileHandle(forReadingAtPath: fifo)
            received.set(handle?.readDataToEndOfFile() ?? Data())
            readerDone.signal()
        }
        let result = try RestockProcess.run(arguments + [fifo, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // A run that replaced the pipe instead of writing into it leaves the reader waiting for good.
        try #require(fileKind(fifo) == S_IFIFO, "\(arguments[0]): the named pipe was replaced")
        let unblock = open(fifo, O_WRONLY | O_NONBLOCK)   // a reader still waiting to open gets end of file
        if unblock >= 0 { close(unblock) }
        readerDone.wait()
        #expect(received.value.starts(with: Data(magic.utf8)), "\(arguments[0]): \(received.value.count) bytes")
    }
    #expect(w.dir.leftovers().isEmpty)
}

@Test func aSymbolicallyLinkedOutputStaysALink() throws {
    let w = try Workspace()
    defer { w.dir.remove() }
    try FileManager.default.createDirectory(atPath: w.dir.file("models"), withIntermediateDirectories: false)
    try w.dir.write("models/current.rf", "old")
    #expect(symlink("models/current.rf", w.dir.file("link.rf")) == 0)
    let result = try RestockProcess.run(["train", "--matrix", w.matrix, "--model", w.dir.file("link.rf"), "--trees", "2", "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(fileKind(w.dir.file("link.rf")) == S_IFLNK)
    #expect(fileKind(w.dir.file("models/current.rf")) == S_IFREG)
    let inspected = try RestockProcess.run(["inspect", "--model", w.dir.file("models/current.rf"), "--quiet"])
    #expect(inspected.status == 0, "\(inspected.stderr)")
    #expect(w.dir.leftovers().isEmpty && TemporaryDirectory.leftovers(in: w.dir.file("models")).isEmpty)
}

private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

// MARK: - 10. interrupted runs

/// `score --matrix - --out out.csv` fed a few rows on a pipe that stays open: the run has its
/// temporary file open and waits for more input until the signal comes.
private func interruptedScore(_ sig: Int32) throws {
    let w = try Workspace()
    defer { w.dir.remove() }
    let out = try w.dir.write("out.csv", "old\n")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: RestockProcess.executable)
    process.arguments = ["score", "--model", w.model, "--matrix", "-", "--out", out, "--chunk-rows", "7", "--quiet"]
    let input = Pipe(), err = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    try process.run()
    let lines = try String(contentsOfFile: w.matrix, encoding: .utf8).split(separator: "\n").prefix(40)
    input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    var waited = 0
    while w.dir.leftovers().isEmpty && process.isRunning && waited < 6000 {
        usleep(10_000)
        waited += 1
    }
    try #require(!w.dir.leftovers().isEmpty, "the run never opened its temporary file")
    kill(process.processIdentifier, sig)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    try? input.fileHandleForWriting.close()
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == sig,
            "status \(process.terminationStatus): \(stderr)")
    #expect(stderr.contains("interrupted by \(sig == SIGINT ? "SIGINT" : "SIGTERM"); removed 1 temporary file"), "\(stderr)")
    #expect(w.dir.leftovers().isEmpty)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "old\n")
}

@Test func sigtermRemovesTheTemporaryFileAndLeavesTheOutputUntouched() throws {
    try interruptedScore(SIGTERM)
}

@Test func sigintRemovesTheTemporaryFileAndLeavesTheOutputUntouched() throws {
    try interruptedScore(SIGINT)
}

// MARK: - 7. standard output that cannot be written

@Test func aFailedWriteOnStandardOutputFailsTheCommand() throws {
    try #require(fileKind("/dev/full") == S_IFCHR, "/dev/full is not a character device here")
    let w = try Workspace()
    defer { w.dir.remove() }
    let commands: [[String]] = [
        ["stats", "--data", w.data],
        ["stats", "--data", w.data, "--json"],
        ["inspect", "--model", w.model],
        ["inspect", "--model", w.model, "--json"],
        ["evaluate", "--matrix", w.matrix, "--folds", "2", "--trees", "2", "--threads", "1", "--json"],
        ["predict", "--model", w.model, "--matrix", w.matrix, "--out", "-"],
    ]
    for arguments in commands {
        let result = try run(arguments + ["--quiet"], stdoutPath: "/dev/full")
        #expect(result.status == 74, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(arguments): \(result.stderr)")
    }
    #expect(fileKind("/dev/full") == S_IFCHR)
}

@Test func aFailedWriteOnStandardErrorDoesNotCrashTheCommand() throws {
    try #require(fileKind("/dev/full") == S_IFCHR, "/dev/full is not a character device here")
    let w = try Workspace()
    defer { w.dir.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: RestockProcess.executable)
    process.arguments = ["stats", "--data", w.data]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 0,
            "reason \(process.terminationReason.rawValue), status \(process.terminationStatus)")
}
