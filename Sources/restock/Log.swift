import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The commands' stderr lines (durations are `Elapsed`'s, in Tabular).
enum Log {
    /// Writes one line to stderr.
    @Sendable static func stderr(_ line: String) {
        raw(line + "\n")
    }

    /// Writes `text` to stderr as it is, with `write(2)`. A failed write is dropped: stderr is
    /// where errors would be reported, so there is nowhere left to report it (`FileHandle` would
    /// trap instead, killing the run with SIGILL when stderr is /dev/full or a closed pipe).
    @Sendable static func raw(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
