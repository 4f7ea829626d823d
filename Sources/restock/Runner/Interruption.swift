import Dispatch
import TabularIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `restock` does on SIGINT (Ctrl-C) and SIGTERM: removes every temporary file still being
/// written (`TemporaryFiles.shared`: the writers' `.partial` files, the copies of standard input),
/// says so on stderr, and dies of the same signal, so the shell reports 130 (SIGINT) or 143
/// (SIGTERM) and a script around it stops as it would for any other program. Outputs already
/// renamed into place stay; outputs not yet renamed are never touched (the registry refuses the
/// rename once it is cleaned up).
///
/// The signals are received by a dispatch source on a background queue, not in a signal handler,
/// so the clean-up may take locks and allocate. Installed once per process, by the job runner;
/// the libraries install no handler.
final class Interruption: @unchecked Sendable {
    private static let shared = Interruption()
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers (once; later calls do nothing).
    static func install(command: String) {
        shared.installOnce(command: command)
    }

    private let lock = DispatchQueue(label: "restock.interruption")

    private func installOnce(command: String) {
        lock.sync {
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { Interruption.interrupted(by: sig, command: command) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private static func interrupted(by sig: Int32, command: String) -> Never {
        let removed = TemporaryFiles.shared.removeAllForExit()
        let name = sig == SIGINT ? "SIGINT" : "SIGTERM"
        Log.stderr("restock \(command): interrupted by \(name); removed \(removed) temporary file\(removed == 1 ? "" : "s")")
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        _exit(128 + sig)
    }
}
