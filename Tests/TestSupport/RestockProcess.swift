import Dispatch
import Foundation

/// Runs the built `restock` executable (beside the test bundle, or `RESTOCK_BIN`) and captures its
/// exit status and output, for end-to-end tests of the command line.
public enum RestockProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The path of the executable under test.
    public static var executable: String {
        if let override = ProcessInfo.processInfo.environment["RESTOCK_BIN"] { return override }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        // The runner may sit inside a bundle folder (…/debug/RestockPackageTests.xctest on Linux).
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("restock").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return ".build/debug/restock"
    }

    /// Runs `restock arguments…`, feeding `input` on standard input, and waits for it to exit.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isOut: isOut)
                group.leave()
            }
        }
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: collected.text(isOut: true), stderr: collected.text(isOut: false))
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()

    func set(_ data: Data, isOut: Bool) {
        lock.lock(); defer { lock.unlock() }
        if isOut { out = data } else { err = data }
    }

    func text(isOut: Bool) -> String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: isOut ? out : err, as: UTF8.self)
    }
}

/// A `restock` process started by a test and left running: its stderr is collected as it comes, so
/// the test can wait for a line (say, "paused") and then kill it.
public final class RunningRestock: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var errorText = Data()
    private let reader = DispatchGroup()

    /// Starts `restock arguments…` with stdout discarded and stderr collected.
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: RestockProcess.executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        reader.enter()
        DispatchQueue.global().async { [self] in
            let handle = err.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                errorText.append(chunk)
                lock.unlock()
            }
            reader.leave()
        }
    }

    public var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errorText, as: UTF8.self)
    }

    /// Waits until stderr contains `text` (true), the process exits, or `timeout` seconds pass (false).
    public func waitForStderr(containing text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            // Ended (a run that kills itself right after its line): the pipe may still hold the line,
            // so read it to its end before the last look.
            if !process.isRunning { _ = reader.wait(timeout: .now() + 10); return stderr.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Whether the process has not ended yet.
    public var isRunning: Bool { process.isRunning }

    /// The running process's id (to send it a signal without waiting).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL by default) and waits for the process to end.
    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        reader.wait()
    }

    /// Waits for the process to end; its exit status (or the signal number for a killed one).
    public func wait() -> Int32 {
        process.waitUntilExit()
        reader.wait()
        return process.terminationStatus
    }
}
