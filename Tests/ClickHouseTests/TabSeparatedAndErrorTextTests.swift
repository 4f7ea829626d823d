@testable import ClickHouse
import Testing

private func decodeTSV(_ text: String, sizes: [Int], holdBack: Int = 64 << 10) throws -> [[String?]] {
    let bytes = Array(text.utf8)
    let decoder = TabSeparatedDecoder(holdBack: holdBack)
    var rows: [[String?]] = []
    var offset = 0
    var i = 0
    while offset < bytes.count {
        let n = min(sizes[i % sizes.count], bytes.count - offset)
        try bytes[offset..<(offset + n)].withUnsafeBytes { try decoder.consume($0) { rows.append($0) } }
        offset += n
        i += 1
    }
    try decoder.finish { rows.append($0) }
    return rows
}

@Test func tabSeparatedFieldsAreUnescapedAcrossChunks() throws {
    let text = "1\ta\\tb\\nc\t\\N\n2\tq\\'uote \\\\ back\t\\x41\\0z\n3\t\t\\\\N\n"
    let expected: [[String?]] = [["1", "a\tb\nc", nil], ["2", "q'uote \\ back", "A\0z"], ["3", "", "\\N"]]
    for sizes in [[1], [2, 7], [1000]] {
        #expect(try decodeTSV(text, sizes: sizes) == expected)
    }
}

@Test func tabSeparatedAppendedExceptionAndCutLine() throws {
    let text = "1\tx\n2\ty\nCode: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 5.1 seconds, e.what() = DB::Exception\n"
    #expect(throws: RowFormatError.serverException(code: 159, message: "Timeout exceeded: elapsed 5.1 seconds")) {
        _ = try decodeTSV(text, sizes: [3])
    }
    #expect(try decodeTSV(text, sizes: [3], holdBack: 0).count == 3, "without the tail check the text is a line")
    #expect {
        _ = try decodeTSV("1\tx\n2\ty", sizes: [3])
    } throws: { error in
        if case RowFormatError.malformed = error { true } else { false }
    }
}

@Test func exceptionTextOfBothServerGenerationsIsParsed() {
    let old = ServerExceptionText.parseBody(Array("Code: 60, e.displayText() = DB::Exception: Table default.nosuch doesn't exist., e.what() = DB::Exception\n".utf8))
    #expect(old.code == 60)
    #expect(old.message == "Table default.nosuch doesn't exist.")
    let new = ServerExceptionText.parseBody(Array("Code: 60. DB::Exception: Table default.nosuch does not exist. (UNKNOWN_TABLE) (version 24.8.4.13 (official build))\n".utf8))
    #expect(new.code == 60)
    #expect(new.message == "Table default.nosuch does not exist. (UNKNOWN_TABLE)")
    let proxy = ServerExceptionText.parseBody(Array("<html>502 Bad Gateway</html>".utf8))
    #expect(proxy.code == nil)
    #expect(proxy.message == "<html>502 Bad Gateway</html>")
    #expect(ServerExceptionText.parseBody([]).message == "(empty response body)")
    for notAnError in ["Code: x, DB::Exception: y", "Code: 12, no marker here", "Code: 1,DB::Exception: tight", "Cod"] {
        #expect(Array(notAnError.utf8).withUnsafeBytes { ServerExceptionText.parseWhole($0) } == nil, "\(notAnError)")
    }
}
