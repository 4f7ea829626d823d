import ArgumentParser
import Foundation
import Warehouse

/// The options of the commands that publish into ClickHouse (`ingest`, `score --to-table`,
/// `recommend --to-table`), and the hidden fault hook of the fault tests.
struct PublishOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds to wait while another run publishes into the same ClickHouse tables before giving up.",
                               valueName: "seconds"))
    var lockWait = 120.0

    func validate() throws {
        if !(lockWait >= 0 && lockWait <= 86_400) { throw ValidationError("--lock-wait must be a number of seconds from 0 to 86400") }
    }

    /// The fault tests' hook, from the hidden variable RESTOCK_FAULT_AT=<step>:kill|pause (steps:
    /// `PublishStep`). kill: SIGKILL to this process at that step. pause: say "fault point <step>
    /// reached" on stderr and wait (up to 10 minutes) until the file RESTOCK_FAULT_RESUME_FILE
    /// exists, so that the test can kill or restart the server meanwhile. nil when unset.
    static func faultHook() throws -> PublishFaultHook? {
        let environment = ProcessInfo.processInfo.environment
        guard let spec = environment["RESTOCK_FAULT_AT"], !spec.isEmpty else { return nil }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let step = PublishStep(rawValue: parts[0]), ["kill", "pause"].contains(parts[1]) else {
            throw ValidationError("RESTOCK_FAULT_AT must be <step>:kill or <step>:pause with a step of "
                                  + PublishStep.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let resumeFile = environment["RESTOCK_FAULT_RESUME_FILE"] ?? ""
        let action = parts[1]
        return { reached in
            guard reached == step else { return }
            Log.stderr("restock: fault point \(step.rawValue) reached")
            if action == "kill" { kill(getpid(), SIGKILL) }
            var polls = 0
            while polls < 12_000, !FileManager.default.fileExists(atPath: resumeFile) { polls += 1; usleep(50_000) }
        }
    }
}
