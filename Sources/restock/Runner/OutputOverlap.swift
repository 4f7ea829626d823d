import Foundation
import TabularIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses a run that would write over its own input, or write two outputs to one file
/// (`predict --matrix a.csv --out a.csv`, `recommend --out x --baskets x`), before any work: the
/// output's temporary file would be renamed over the input, destroying it. Two files are the same
/// when they are one existing file (same device and inode: the same path, a symbolic link to it or
/// a hard link) or, for outputs not written yet, the same path once symbolic links are followed.
/// Devices, pipes and standard input/output ("-") are streams and never compared. Cost: one
/// `stat` per file.
enum OutputOverlap {
    /// Throws a `UsageError` naming both options and the file when an output is an input or an
    /// earlier output.
    static func check(inputs: [JobDataset], outputs: [JobDataset]) throws {
        var seen: [(identity: Identity, dataset: JobDataset, isOutput: Bool)] = []
        for input in inputs {
            if let identity = Identity(input) { seen.append((identity, input, false)) }
        }
        for output in outputs {
            guard let identity = Identity(output) else { continue }
            if let earlier = seen.first(where: { $0.identity == identity }) {
                let what = earlier.isOutput ? "both outputs would be written to it" : "writing the output would destroy the input"
                throw UsageError("\(name(output, fallback: "the output")) and \(name(earlier.dataset, fallback: "an input")) "
                    + "are the same file; \(what). Choose another path for \(output.option ?? "the output")")
            }
            seen.append((identity, output, true))
        }
    }

    /// "--out /abs/a.csv": the option and the path.
    private static func name(_ dataset: JobDataset, fallback: String) -> String {
        guard case .file(let path) = dataset.location else { return fallback }
        return "\(dataset.option ?? fallback) \(path)"
    }

    /// What makes two paths one file.
    enum Identity: Equatable {
        case inode(device: UInt64, inode: UInt64)
        case path(String)

        /// nil for standard input/output, tables, devices and pipes.
        init?(_ dataset: JobDataset) {
            guard case .file(let path) = dataset.location, path != "-" else { return nil }
            var info = stat()
            if stat(path, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
                self = .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
                return
            }
            // Not there yet: the path it will be written at, links followed, its folder made canonical.
            let target = (try? OutputDestination(path).path) ?? path
            let url = URL(fileURLWithPath: target)
            let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
            self = .path(folder + "/" + url.lastPathComponent)
        }
    }
}
