import Foundation

/// What a running job may use besides its options: stderr lines that follow `--quiet` and
/// `--verbose`, progress reporters, standard input (claimed by at most one option), and warnings
/// collected for the summary. One per run; used from the job's thread, and its `messages` and
/// reporters from any thread.
final class JobContext: @unchecked Sendable {
    let command: String
    let quiet: Bool
    let verbose: Bool
    /// True with --json: stdout carries only the summary object, so results are not printed there.
    let json: Bool
    private var standardInputOwner: String?
    /// Temporary copies of standard input or of a pipe, and the name the user gave them ("-").
    private var copies: [(path: String, name: String)] = []
    private(set) var warnings: [String] = []
    private let lock = NSLock()

    init(command: String, quiet: Bool, verbose: Bool, json: Bool) {
        self.command = command
        self.json = json
        self.quiet = quiet
        self.verbose = verbose
    }

    /// A step's message on stderr (not with --quiet).
    @Sendable func message(_ line: String) {
        if !quiet { Log.stderr(line) }
    }

    /// A detail on stderr, only with --verbose.
    @Sendable func detail(_ line: String) {
        if verbose { Log.stderr(line) }
    }

    /// The message callback libraries take (`progress: (String) -> Void`).
    var messages: @Sendable (String) -> Void { { [self] in message($0) } }

    /// A progress bar (on a terminal) or a line per 10 % (otherwise) labelled `label`; nil with --quiet.
    func progress(_ label: String) -> ProgressReporter? {
        quiet ? nil : ProgressReporter(label: label == command ? command : "\(command) \(label)")
    }

    /// A warning: printed at once on stderr (even with --quiet) and listed in the JSON summary.
    @Sendable func warn(_ text: String) {
        lock.lock()
        warnings.append(text)
        lock.unlock()
        Log.stderr("restock \(command): warning: \(text)")
    }

    /// Records that `path` is a temporary copy of what the user named `name`, so that an error
    /// message about the copy names what the user gave (`presentable`).
    func nameCopy(_ path: String, as name: String) {
        copies.append((path, name))
    }

    /// `message` with every temporary copy's path replaced by the name the user gave it.
    func presentable(_ message: String) -> String {
        copies.reduce(message) { text, copy in
            text.replacingOccurrences(of: copy.path, with: copy.name == "-" ? "standard input" : copy.name)
        }
    }

    /// Reserves standard input for `option` ("--matrix -"): only one input of a run can be "-".
    func claimStandardInput(for option: String) throws {
        if let owner = standardInputOwner, owner != option {
            throw UsageError("\(option) - and \(owner) - both read standard input; give one of them a file")
        }
        standardInputOwner = option
    }
}
