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
/// A long-running job that can stop cleanly (`restock stream`) calls `finishOnSignal()`: then the
/// first SIGINT or SIGTERM only sets `stopRequested` (which the job polls between batches) and says
/// so on stderr; a second one interrupts as above.
///
/// The signals are received by a dispatch source on a background queue, not in a signal handler,
/// so the clean-up may take locks and allocate. Installed once per process, by the job runner;
/// the libraries install no handler.
final class Interruption: @unchecked Sendable {
    private static let shared = Interruption()
    private var sources: [any DispatchSourceSignal] = []
    private var finishFirst = false
    private var stopSignal: Int32?

    /// From now on the first signal requests a stop instead of interrupting (see the type).
    static func finishOnSignal() {
        shared.lock.sync { shared.finishFirst = true }
    }

    /// True once a signal asked a `finishOnSignal()` job to stop.
    static var stopRequested: Bool { shared.lock.sync { shared.stopSignal != nil } }

    /// The signal that requested the stop (for the exit status), if any.
    static var stopSignal: Int32? { shared.lock.sync { shared.stopSignal } }

    /// Records a stop request; false when the signal must interrupt instead.
    private func requestStop(_ sig: Int32) -> Bool {
        lock.sync {
            guard finishFirst, stopSignal == nil else { return false }
            stopSignal = sig
            return true
        }
    }

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
                source.setEventHandler {
                    if Interruption.shared.requestStop(sig) {
                        Log.stderr("restock \(command): \(sig == SIGINT ? "SIGINT" : "SIGTERM") received: finishing the current batch "
                                   + "(send it again to interrupt at once)")
                        return
                    }
                    Interruption.interrupted(by: sig, command: command)
                }
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
