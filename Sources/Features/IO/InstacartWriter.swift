#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TabularIO

/// Writes `InstacartData` as an Instacart-layout folder (the six CSV files of `InstacartLayout`,
/// LF line ends, RFC 4180 quoting of names that need it, days_since_prior_order as `15.0` and empty
/// for NaN, as the Kaggle files are).
///
/// All six files are written to temporary files (`.<name>.<pid>.<random>.partial`) through `AtomicFileWriter` and renamed together only
/// after every one has been written and synced, so an interrupted run never leaves a folder that
/// looks complete (a killed run may leave temporary files; a failed or interrupted one removes its own). Cost: O(bytes),
/// one buffered `write(2)` per MiB.
public enum InstacartWriter {
    /// Writes the six files into `directory`, creating the folder (not its parents) if needed.
    public static func write(_ data: InstacartData, to directory: String) throws {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw FileError(path: directory, operation: "create folder", errno: errno)
        }
        func path(_ file: String) -> String { directory.hasSuffix("/") ? directory + file : directory + "/" + file }
        var writers: [AtomicFileWriter] = []
        do {
            for file in InstacartLayout.files {
                let w = try AtomicFileWriter(path: path(file))
                writers.append(w)
                try w.write(InstacartLayout.columns(of: file).joined(separator: ",") + "\n")
                switch file {
                case InstacartLayout.aisles: try writeCategories(data.aisles, to: w)
                case InstacartLayout.departments: try writeCategories(data.departments, to: w)
                case InstacartLayout.products: try writeProducts(data.products, to: w)
                case InstacartLayout.orders: try writeOrders(data.orders, to: w)
                case InstacartLayout.priorProducts: try writeOrderProducts(data.priorProducts, to: w)
                default: try writeOrderProducts(data.trainProducts, to: w)
                }
                try w.finishWithoutRename()
            }
            try AtomicFileWriter.renameAll(writers)
        } catch {
            for w in writers { w.abandon() }
            throw error
        }
    }

    static func writeCategories(_ t: CategoryTable, to w: AtomicFileWriter) throws {
        for r in 0..<t.count {
            try w.write(int: Int(t.id[r]))
            try w.write(byte: 44)
            try t.name.withBytes(at: r) { try w.write(csvField: UnsafeRawBufferPointer($0)) }
            try w.write(byte: 10)
        }
    }

    static func writeProducts(_ t: ProductTable, to w: AtomicFileWriter) throws {
        for r in 0..<t.count {
            try w.write(int: Int(t.productID[r]))
            try w.write(byte: 44)
            try t.name.withBytes(at: r) { try w.write(csvField: UnsafeRawBufferPointer($0)) }
            try w.write(byte: 44)
            try w.write(int: Int(t.aisleID[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.departmentID[r]))
            try w.write(byte: 10)
        }
    }

    static func writeOrders(_ t: OrderTable, to w: AtomicFileWriter) throws {
        let names = EvalSet.allCases.map(\.name)
        for r in 0..<t.count {
            try w.write(int: Int(t.orderID[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.userID[r]))
            try w.write(byte: 44)
            try w.write(names[Int(min(t.evalSet[r], 2))])
            try w.write(byte: 44)
            try w.write(int: Int(t.orderNumber[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.dow[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.hour[r]))
            try w.write(byte: 44)
            let d = t.daysSincePrior[r]
            if !d.isNaN {
                if (d * 10).rounded() == d * 10 { try w.write(oneDecimal: Double(d)) } else { try w.write("\(d)") }
            }
            try w.write(byte: 10)
        }
    }

    static func writeOrderProducts(_ t: OrderProductTable, to w: AtomicFileWriter) throws {
        for r in 0..<t.count {
            try w.write(int: Int(t.orderID[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.productID[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.addToCartOrder[r]))
            try w.write(byte: 44)
            try w.write(int: Int(t.reordered[r]))
            try w.write(byte: 10)
        }
    }
}
