import Foundation
import Serve
import Tabular
import TestSupport
import Testing

private func printf(_ v: Double) -> String { String(format: "%.6g", v) }

@Test func sixSignificantDigitsMatchPrintfOnHandPickedValues() {
    let values: [Double] = [0, 1, -1, 0.5, 0.1, 0.25, 1e-4, 9.99999e-5, 0.000123456789, 123456, 999999, 999999.4,
                            999999.5, 1e6, 1234567, 9.9999949, 9.9999951, 0.30000001192092896, 1.0 / 3, 2.0 / 3,
                            100, 100000, 12.5, 0.0001, 1e-10, 3.5e-300, 1e300, -0.0000999999, Double.leastNonzeroMagnitude,
                            Double(Float.greatestFiniteMagnitude), 0.837222, 123.4565, 0.0375]
    for v in values {
        #expect(SignificantDecimal.string(v) == printf(v), "\(v)")
    }
    #expect(SignificantDecimal.string(.nan) == "nan")
    #expect(SignificantDecimal.string(.infinity) == "inf")
    #expect(SignificantDecimal.string(-.infinity) == "-inf")
}

@Test func sixSignificantDigitsMatchPrintfOnRandomFloatsAndDoubles() {
    var rng = TestRandom(seed: 42)
    var mismatches: [String] = []
    for k in 0..<200_000 {
        // probabilities, small and large magnitudes, and exact short decimals
        let v: Float
        switch k % 4 {
        case 0: v = Float(rng.next() >> 40) / Float(1 << 24)
        case 1: v = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next() % 0x5E00_0000) + 0x1A00_0000)  // ~1e-23 ... 1e18
        case 2: v = Float(Int(rng.next() % 2_000_000) - 1_000_000) / 1000
        default: v = -Float(rng.next() % 1_000_000) / Float(1 << (rng.next() % 30))
        }
        let mine = SignificantDecimal.string(Double(v)), theirs = printf(Double(v))
        if mine != theirs { mismatches.append("\(v): \(mine) vs \(theirs)") }
        // Doubles: 1e-17 … 1e25, and short decimals (7 digits: near-ties such as 123.4565)
        let d = k % 2 == 0
            ? Double(sign: .plus, exponent: Int(rng.next() % 140) - 56, significand: 1 + Double(rng.next() >> 11) / 0x1p53)
            : Double(Int(rng.next() % 10_000_000)) / [1.0, 10, 1e4, 1e7, 1e9][Int(rng.next() % 5)]
        if SignificantDecimal.string(d) != printf(d) { mismatches.append("\(d): \(SignificantDecimal.string(d)) vs \(printf(d))") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
}

@Test func writtenLengthNeverExceedsTheMaximum() {
    for v in [-Double.leastNormalMagnitude * 1.23456, -1.23456e+308, -0.000123456, -123456.0, -9.99999e-5] {
        #expect(SignificantDecimal.string(v).utf8.count <= SignificantDecimal.maximumLength)
    }
}
