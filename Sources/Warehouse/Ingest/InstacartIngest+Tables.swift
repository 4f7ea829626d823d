import ClickHouse
import Features

/// The RowBinary body of each table, written straight from the columns of `InstacartData`.
extension InstacartIngest {
    /// The number of rows of `table` in `data`.
    static func rowCount(_ table: InstacartSchema.Table, _ data: InstacartData) -> Int {
        switch table.name {
        case InstacartSchema.aisles.name: data.aisles.count
        case InstacartSchema.departments.name: data.departments.count
        case InstacartSchema.products.name: data.products.count
        case InstacartSchema.orders.name: data.orders.count
        case InstacartSchema.priorProducts.name: data.priorProducts.count
        default: data.trainProducts.count
        }
    }

    /// Streams rows `rows` of `table` from `data` into its load table in one INSERT; returns the
    /// rows sent.
    func load(_ table: InstacartSchema.Table, _ data: InstacartData, rows: Range<Int>) throws -> Int {
        switch table.name {
        case InstacartSchema.aisles.name: return try loadCategories(table, data.aisles, rows)
        case InstacartSchema.departments.name: return try loadCategories(table, data.departments, rows)
        case InstacartSchema.products.name: return try loadProducts(table, data.products, rows)
        case InstacartSchema.orders.name: return try loadOrders(table, data.orders, rows)
        case InstacartSchema.priorProducts.name: return try loadOrderProducts(table, data.priorProducts, rows)
        default: return try loadOrderProducts(table, data.trainProducts, rows)
        }
    }

    /// One INSERT into the load table of `table` of rows `rows`, `write(writer, i)` writing row i.
    func insert(_ table: InstacartSchema.Table, _ rows: Range<Int>, write: (inout RowBinaryWriter, Int) -> Void) throws -> Int {
        var next = rows.lowerBound
        let batch = batchRows
        let summary = try client.insert(into: loadName(table), database: database, columns: table.insertColumns) { writer in
            let end = min(next + batch, rows.upperBound)
            while next < end {
                write(&writer, next)
                next += 1
            }
            rowsWritten?(table.name, next - rows.lowerBound)
            return next < rows.upperBound
        }
        return summary.rows
    }

    func loadCategories(_ table: InstacartSchema.Table, _ categories: CategoryTable, _ rows: Range<Int>) throws -> Int {
        try categories.id.withUnsafeBufferPointer { id in
            try categories.name.bytes.withUnsafeBytes { text in
                try categories.name.offsets.withUnsafeBufferPointer { offsets in
                    try insert(table, rows) { w, i in
                        w.writeUInt32(UInt32(bitPattern: id[i]))
                        w.writeString(bytes: UnsafeRawBufferPointer(rebasing: text[Int(offsets[i])..<Int(offsets[i + 1])]))
                    }
                }
            }
        }
    }

    func loadProducts(_ table: InstacartSchema.Table, _ products: ProductTable, _ rows: Range<Int>) throws -> Int {
        try products.productID.withUnsafeBufferPointer { id in
            try products.aisleID.withUnsafeBufferPointer { aisle in
                try products.departmentID.withUnsafeBufferPointer { department in
                    try products.name.bytes.withUnsafeBytes { text in
                        try products.name.offsets.withUnsafeBufferPointer { offsets in
                            try insert(table, rows) { w, i in
                                w.writeUInt32(UInt32(bitPattern: id[i]))
                                w.writeString(bytes: UnsafeRawBufferPointer(rebasing: text[Int(offsets[i])..<Int(offsets[i + 1])]))
                                w.writeUInt32(UInt32(bitPattern: aisle[i]))
                                w.writeUInt32(UInt32(bitPattern: department[i]))
                            }
                        }
                    }
                }
            }
        }
    }

    func loadOrders(_ table: InstacartSchema.Table, _ orders: OrderTable, _ rows: Range<Int>) throws -> Int {
        try orders.orderID.withUnsafeBufferPointer { id in
            try orders.userID.withUnsafeBufferPointer { user in
                try orders.evalSet.withUnsafeBufferPointer { evalSet in
                    try orders.orderNumber.withUnsafeBufferPointer { number in
                        try orders.dow.withUnsafeBufferPointer { dow in
                            try orders.hour.withUnsafeBufferPointer { hour in
                                try orders.daysSincePrior.withUnsafeBufferPointer { days in
                                    try insert(table, rows) { w, i in
                                        w.writeUInt32(UInt32(bitPattern: id[i]))
                                        w.writeUInt32(UInt32(bitPattern: user[i]))
                                        w.writeInt8(Int8(bitPattern: evalSet[i]))
                                        w.writeUInt16(UInt16(bitPattern: number[i]))
                                        w.writeUInt8(dow[i])
                                        w.writeUInt8(hour[i])
                                        if days[i].isNaN { w.writeNull() } else { w.writeFloat32(days[i]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func loadOrderProducts(_ table: InstacartSchema.Table, _ lines: OrderProductTable, _ rows: Range<Int>) throws -> Int {
        try lines.orderID.withUnsafeBufferPointer { order in
            try lines.productID.withUnsafeBufferPointer { product in
                try lines.addToCartOrder.withUnsafeBufferPointer { cart in
                    try lines.reordered.withUnsafeBufferPointer { reordered in
                        try insert(table, rows) { w, i in
                            w.writeUInt32(UInt32(bitPattern: order[i]))
                            w.writeUInt32(UInt32(bitPattern: product[i]))
                            w.writeUInt16(UInt16(bitPattern: cart[i]))
                            w.writeUInt8(reordered[i])
                        }
                    }
                }
            }
        }
    }
}
