import Dispatch
import Features
import TabularIO

/// The output bytes of one chunk, reused for every chunk: worker w formats rows [w·n/W, (w+1)·n/W)
/// into its own region, which starts at the first row's worst-case offset (rows × the longest
/// line), then the regions are written in order. Memory: chunk rows × 41 bytes.
final class LineBuffers: @unchecked Sendable {
    let workers: Int
    let rows: Int
    let bytes: UnsafeMutablePointer<UInt8>
    let lengths: UnsafeMutableBufferPointer<Int>

    init(workers: Int, rows: Int) {
        self.workers = workers
        self.rows = rows
        bytes = .allocate(capacity: rows * StreamingScorer.maximumLineLength)
        lengths = .allocate(capacity: workers)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
    }

    func write(users: [Int32], products: [Int32], probabilities: [Float], to writer: AtomicFileWriter) throws {
        let n = probabilities.count
        let workers = max(1, min(self.workers, n / 4096))
        precondition(n <= rows, "LineBuffers: chunk larger than the buffer")
        users.withUnsafeBufferPointer { users in
            products.withUnsafeBufferPointer { products in
                probabilities.withUnsafeBufferPointer { probabilities in
                    nonisolated(unsafe) let users = users, products = products, probabilities = probabilities
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var out = bytes + (w * n / workers) * StreamingScorer.maximumLineLength
                        let begin = out
                        for r in (w * n / workers)..<((w + 1) * n / workers) {
                            out += LineBuffers.formatInt(users[r], to: out)
                            out[0] = 44
                            out += 1
                            out += LineBuffers.formatInt(products[r], to: out)
                            out[0] = 44
                            out += 1
                            out += SignificantDecimal.write(Double(probabilities[r]), to: out)
                            out[0] = 10
                            out += 1
                        }
                        lengths[w] = out - begin
                    }
                }
            }
        }
        for w in 0..<workers {
            let start = bytes + (w * n / workers) * StreamingScorer.maximumLineLength
            try writer.write(UnsafeRawBufferPointer(start: start, count: lengths[w]))
        }
    }

    /// Writes a decimal Int32 and returns its length (at most 11 bytes).
    @inline(__always)
    static func formatInt(_ value: Int32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var v = value.magnitude
        if value < 0 {
            out[0] = UInt8(ascii: "-")
            n = 1
        }
        var digits = 1
        var limit: UInt32 = 10
        while digits < 10 && v >= limit {
            digits += 1
            limit &*= 10
        }
        var i = n + digits - 1
        repeat {
            out[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            i -= 1
        } while v > 0
        return n + digits
    }
}
