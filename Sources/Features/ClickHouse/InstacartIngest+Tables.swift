import ClickHouse

/// The RowBinary body of each table, written straight from the columns of `InstacartData`.
extension InstacartIngest {
    /// Streams the rows of `table` from `data` into its stage table; returns the rows sent.
    func load(_ table: InstacartSchema.Table, _ data: InstacartData) throws -> Int {
        switch table.name {
        case InstacartSchema.aisles.name: return try loadCategories(table, data.aisles)
        case InstacartSchema.departments.name: return try loadCategories(table, data.departments)
        case InstacartSchema.products.name: return try loadProducts(table, data.products)
        case InstacartSchema.orders.name: return try loadOrders(table, data.orders)
        case InstacartSchema.priorProducts.name: return try loadOrderProducts(table, data.priorProducts)
        default: return try loadOrderProducts(table, data.trainProducts)
        }
    }

    /// One INSERT into the stage of `table` of `count` rows, `write(writer, i)` writing row i.
    func insert(_ table: InstacartSchema.Table, count: Int, write: (inout RowBinaryWriter, Int) -> Void) throws -> Int {
        var next = 0
        let batch = batchRows
        let summary = try client.insert(into: InstacartSchema.stageName(table), database: database, columns: table.insertColumns) { writer in
            let end = min(next + batch, count)
            while next < end {
                write(&writer, next)
                next += 1
            }
            rowsWritten?(table.name, next)
            return next < count
        }
        return summary.rows
    }

    func loadCategories(_ table: InstacartSchema.Table, _ categories: CategoryTable) throws -> Int {
        try categories.id.withUnsafeBufferPointer { id in
            try categories.name.bytes.withUnsafeBytes { text in
                try categories.name.offsets.withUnsafeBufferPointer { offsets in
                    try insert(table, count: id.count) { w, i in
                        w.writeUInt32(UInt32(bitPattern: id[i]))
                        w.writeString(bytes: UnsafeRawBufferPointer(rebasing: text[Int(offsets[i])..<Int(offsets[i + 1])]))
                    }
                }
            }
        }
    }

    func loadProducts(_ table: InstacartSchema.Table, _ products: ProductTable) throws -> Int {
        try products.productID.withUnsafeBufferPointer { id in
            try products.aisleID.withUnsafeBufferPointer { aisle in
                try products.departmentID.withUnsafeBufferPointer { department in
                    try products.name.bytes.withUnsafeBytes { text in
                        try products.name.offsets.withUnsafeBufferPointer { offsets in
                            try insert(table, count: id.count) { w, i in
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

    func loadOrders(_ table: InstacartSchema.Table, _ orders: OrderTable) throws -> Int {
        try orders.orderID.withUnsafeBufferPointer { id in
            try orders.userID.withUnsafeBufferPointer { user in
                try orders.evalSet.withUnsafeBufferPointer { evalSet in
                    try orders.orderNumber.withUnsafeBufferPointer { number in
                        try orders.dow.withUnsafeBufferPointer { dow in
                            try orders.hour.withUnsafeBufferPointer { hour in
                                try orders.daysSincePrior.withUnsafeBufferPointer { days in
                                    try insert(table, count: id.count) { w, i in
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

    func loadOrderProducts(_ table: InstacartSchema.Table, _ rows: OrderProductTable) throws -> Int {
        try rows.orderID.withUnsafeBufferPointer { order in
            try rows.productID.withUnsafeBufferPointer { product in
                try rows.addToCartOrder.withUnsafeBufferPointer { cart in
                    try rows.reordered.withUnsafeBufferPointer { reordered in
                        try insert(table, count: order.count) { w, i in
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
