import Tabular
import Testing

@Test func echoedValuesAreEscapedAndCapped() {
    #expect(EchoedValue.text("12a") == "12a")
    #expect(EchoedValue.text("Crème brûlée, 250 g") == "Crème brûlée, 250 g")
    #expect(EchoedValue.text("a\u{0}b\tc\u{7F}\\") == "a\\x00b\\tc\\x7F\\\\")
    #expect(EchoedValue.text([0x61, 0xFF, 0xC3]) == "a\\xFF\\xC3")
    #expect(EchoedValue.text("evil\u{202E}txt") == "evil\\u{202E}txt")
    let long = String(repeating: "7", count: 10_000_000)
    #expect(EchoedValue.text(long) == String(repeating: "7", count: 60) + "... (10000000 bytes)")
    // A two-byte character cut by the limit is left out, not shown as a broken byte.
    let accented = String(repeating: "a", count: 59) + "éé"
    #expect(EchoedValue.text(accented) == String(repeating: "a", count: 59) + "... (63 bytes)")
}

@Test func knownBinaryFormatsAreNamed() {
    func format(_ s: [UInt8]) -> String? { EchoedValue.binaryFormat(of: s) }
    #expect(format(Array("RSTKMAT1\u{4}\0\0\0{}".utf8)) == "a binary RSTKMAT1 matrix")
    #expect(format(Array("RSTKFRST".utf8))?.contains("model") == true)
    #expect(format([0x1F, 0x8B, 8, 0]) == "gzip-compressed data")
    #expect(format(Array("order_id,user_id\n1,2\n".utf8)) == nil)
    #expect(format(Array("a,b\n\0".utf8))?.contains("NUL") == true)
}
