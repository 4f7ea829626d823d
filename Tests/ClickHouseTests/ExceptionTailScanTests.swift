@testable import ClickHouse
import TestSupport
import Testing

/// `findTrailing` and the decoders' end-of-stream checks find an appended exception text in one
/// linear pass (scripts/fuzz: the exception-text and rowbinary-decoder targets). Before, every
/// `Code: ` candidate was checked with an O(n) scan: a RowBinary stream cut inside a 1 MiB String of
/// `Code: 1, ` repeated kept the client busy for hours before it reported the cut row.

/// The definition `findTrailing` must agree with: the first offset where `parseWhole` matches.
private func naiveTrailing(_ bytes: [UInt8]) -> (offset: Int, code: Int, message: String)? {
    bytes.withUnsafeBytes { raw in
        for offset in raw.indices {
            if let found = ServerExceptionText.parseWhole(UnsafeRawBufferPointer(rebasing: raw[offset...])) {
                return (offset, found.code, found.message)
            }
        }
        return nil
    }
}

@Test func findTrailingAgreesWithCheckingEveryOffset() {
    let pieces = ["Code: 1, ", "Code: 60. ", "DB::Exception", "\0", "x", "\n", "Code: 12345678, ", "Code: , ",
                  "e.displayText() = DB::Exception: gone", " (version 24.3)", ", e.what() = DB::Exception", "Code: 7,"]
    var random = TestRandom(seed: 7)
    for _ in 0..<3000 {
        var bytes: [UInt8] = []
        for _ in 0..<random.integer(below: 9) { bytes += Array(pieces[random.integer(below: pieces.count)].utf8) }
        let fast = bytes.withUnsafeBytes { ServerExceptionText.findTrailing($0) }
        let slow = naiveTrailing(bytes)
        #expect(fast?.offset == slow?.offset && fast?.code == slow?.code && fast?.message == slow?.message,
                "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
}

@Test func aStreamCutInsideALongExceptionLikeStringFailsAsACutRow() throws {
    // One String column whose row announces 512 MiB and stops after 1 MiB of `Code: 1, ` repeated.
    var body: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x02]
    for _ in 0..<(1 << 20) / 9 { body += Array("Code: 1, ".utf8) }
    let decoder = RowBinaryDecoder(schema: RowBinarySchema([.string]))
    try body.withUnsafeBytes { try decoder.consume($0) { _ in } }
    #expect(throws: RowFormatError.self) { try decoder.finish { _ in } }
    #expect(body.withUnsafeBytes { ServerExceptionText.findTrailing($0) } == nil)
}

@Test func tabSeparatedLinesThatStartLikeExceptionsAreCheckedOnce() throws {
    // 20,000 lines starting with `Code: 60, ` but no DB::Exception anywhere: ordinary rows.
    let line = "Code: 60, a logged message\n"
    let decoder = TabSeparatedDecoder(holdBack: 1 << 20)
    var rows = 0
    let text = Array(String(repeating: line, count: 20_000).utf8)
    try text.withUnsafeBytes { try decoder.consume($0) { _ in rows += 1 } }
    try decoder.finish { _ in rows += 1 }
    #expect(rows == 20_000)
}
