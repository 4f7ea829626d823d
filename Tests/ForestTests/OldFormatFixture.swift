import Foundation

/// A model file written before origins were recorded (the commit before ModelOrigin, with
/// `restock train --matrix tiny.csv --trees 2 --max-depth 3 --min-samples-leaf 5 --seed 3
/// --date 2025-01-02T03:04:05Z --permutation-rows 20 --threads 1`): format version 1, sections
/// SCHM, BINS, PARM, META, TREE, IMPT, no ORIG. 1,512 bytes, CRC-32 0xb809c8ae.
enum OldFormatFixture {
    static let base64 = """
        UlNUS0ZSU1QBAAAABgAAAOgFAAAAAAAAAAAAAAAAAABTQ0hNAQAAABYAAAAAAAAAAwAAAAIAAAB4MAIAAAB4MQIAAAB4MgAA
        QklOUwEAAACEAQAAAAAAAAMAAAAqAAAArkdhPZqZmT1cj8I9j8L1PeF6FD57FC4+zcxMPtejcD5cj4I+zMyMPpqZmT4K16M+
        H4WrPjQzsz5I4bo+FK7HPlK43j57FO4+MzPzPqRw/T5wPQo/kMIVP/YoHD8AACA/uB4lPx+FKz8pXC8/hesxPz4KNz/2KDw/
        Urg+P1yPQj9mZkY/wvVIPx+FSz+F61E/SOFaP65HYT+4HmU/wvVoP4brcT+amXk/CQAAAAAAAD8AAMA/AAAgQAAAYEAAAJBA
        AACwQAAA0EAAAPBAAAAIQSoAAADMzMw8CtcjPa5HYT0pXI89exSuPc3MzD0ehes9AAAAPnA9Cj7iehQ+CtcjPjQzMz4Urkc+
        1qNwPhSuhz6uR6E+SOG6PgAAwD72KNw+XI8CPylcDz+PwhU/SOEaPwAAID8K1yM/HoUrP+J6ND+amTk/Urg+PxSuRz8pXE8/
        MzNTP4/CVT/sUVg/SOFaP6RwXT+uR2E/uB5lP8L1aD8pXG8/4Xp0Pz4Kdz8AAAAAUEFSTQEAAAClAAAAAAAAAHsibGVhZlNt
        b290aGluZyI6MTAsIm1heEJpbnMiOjI1NSwibWF4RGVwdGgiOjMsIm1heEZlYXR1cmVzIjowLjMzMzMzMzMzMzMzMzMzMzMs
        Im1pbkltcHVyaXR5RGVjcmVhc2UiOjAsIm1pblNhbXBsZXNMZWFmIjo1LCJzYW1wbGVGcmFjdGlvbiI6MSwic2VlZCI6Mywi
        dHJlZUNvdW50IjoyfQAAAE1FVEEBAAAAiAAAAAAAAAB7Im91dE9mQmFnUlNxdWFyZWQiOjAuMjE0OTk0MzEyMjQ1NTM2OSwi
        b3V0T2ZCYWdSb3dDb3VudCI6MzIsInJvd0NvdW50Ijo2MCwic2VlZCI6MywidGFyZ2V0TmFtZSI6InkiLCJ0cmFpbmVkQXQi
        OiIyMDI1LTAxLTAyVDAzOjA0OjA1WiJ9VFJFRQEAAAD8AQAAAAAAAAIAAAAAAAAAFgAAAAAAAAALAAAACwAAAAAAAAAAAAAA
        AgAAAAEAAAD///////////////8AAAAA////////////////AAAAAAAAAAAAAAAAAAAAAP////////////////////8BAAAA
        //////////+kcP0+H4WrPuxRWD8AAGBAAAAAAAAAAAAAAAAAH4VLPwAAAAAAAAAAAAAAAHA9Cj8fhas+ZmZGP3sULj4AAAAA
        AAAAAAAAAAAAAAAAAADQQAAAAAAAAAAAAQAAAAMAAAAHAAAABQAAAP///////////////wkAAAD///////////////8BAAAA
        AwAAAAcAAAAFAAAA/////////////////////wkAAAD//////////wIAAAAEAAAACAAAAAYAAAD///////////////8KAAAA
        ////////////////AgAAAAQAAAAIAAAABgAAAP////////////////////8KAAAA//////////9mZuY+ep5nPr2GMj+O43g+
        AACAPaIpMT5LS8s+60NjP0mSJD+O43g/ZeBpPwAAAD+ivIY+bts2P7D4ij6XAZ89P+mTPry7uz6amWk/juMoP0tLSz+iKbE+
        EwwhAwAAACIAAAAUDCAFAAAAAAYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAASU1QVAAAAACLAAAAAAAAAHsiaW1wdXJp
        dHkiOlswLjY5MTEyMzk0MjU1NzM2NzgsMC4yNDc3NTI1MzA2MTUxMzQxNCwwLjA2MTEyMzUyNjgyNzQ5ODA3NF0sInBlcm11
        dGF0aW9uIjpbMC4wNzA5MjE1NDY3NjU5MTgyMiwwLDBdLCJwZXJtdXRhdGlvblJvd0NvdW50IjoyMH0AAAAAAK7ICbhFTkQu
        """

    static var bytes: [UInt8] {
        [UInt8](Data(base64Encoded: base64.filter { !$0.isWhitespace })!)
    }

    /// Its first rows of tiny.csv (x0, x1, x2; nil = missing) and what the old build predicted for them.
    static let rows: [[Float?]] = [[0.62, 5, nil], [0.8, 8, 0.03], [0.47, 3, 0.65], [0.9, 1, 0.37], [0.87, 6, 0.54]]
    static let predictions: [Float] = [0.7776786, 0.6298005, 0.07006988, 0.85384893, 0.85384893]
    static let version = "rf-39e7f949a843"
}
