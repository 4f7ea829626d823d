import Testing
import TestSupport
@testable import Features

@Test func idIndexFindsRowsDenseAndSparse() {
    let dense = IDIndex(ids: [5, 3, 9])
    #expect(dense.row(of: 3) == 1 && dense.row(of: 9) == 2 && dense.row(of: 4) == nil && dense.row(of: -1) == nil)
    #expect(dense.firstDuplicate == nil)
    let sparse = IDIndex(ids: [2_000_000_000, 7, 1_500_000_000])
    guard case .sorted = sparse.storage else {
        Issue.record("expected the sorted storage for sparse ids")
        return
    }
    #expect(sparse.row(of: 1_500_000_000) == 2 && sparse.row(of: 7) == 1 && sparse.row(of: 8) == nil)
    let duplicates = [IDIndex(ids: [4, 8, 4, 8]), IDIndex(ids: [2_000_000_000, 8, 2_000_000_000, 8])]
    for index in duplicates {
        #expect(index.firstDuplicate?.row == 2 && index.firstDuplicate?.firstRow == 0)
    }
}

@Test func userOrdersGroupByUserAndSortByOrderNumber() {
    var orders = OrderTable()
    // user 7: numbers 2, 1 (unsorted file); user 3: 1
    orders.append(orderID: 10, userID: 7, evalSet: .train, orderNumber: 2, dow: 0, hour: 0, daysSincePrior: 3)
    orders.append(orderID: 11, userID: 3, evalSet: .prior, orderNumber: 1, dow: 0, hour: 0, daysSincePrior: .nan)
    orders.append(orderID: 12, userID: 7, evalSet: .prior, orderNumber: 1, dow: 0, hour: 0, daysSincePrior: .nan)
    let users = UserOrders(orders)
    #expect(users.userIDs == [3, 7])
    #expect(Array(users.orders(ofUser: 0)) == [1])
    #expect(Array(users.orders(ofUser: 1)) == [2, 0])
    let sorted = UserOrders(InstacartFixture.expected.orders)
    #expect(sorted.userIDs == [1, 2, 3] && sorted.offsets == [0, 3, 5, 9] && sorted.orderRows == Array(0..<9))
}

@Test func orderProductIndexGroupsRowsByOrder() {
    let data = InstacartFixture.expected
    let orderIndex = data.orders.rowIndex()
    let rows = data.priorProducts.orderRows(orderIndex)
    #expect(rows == [0, 0, 1, 3, 5, 5, 5, 6, 6, 7])
    let byOrder = data.priorProducts.indexByOrder(data.orders, orderIndex: orderIndex)
    #expect(byOrder.rowCount(ofOrderRow: 5) == 3)  // order 301
    #expect(Array(byOrder.rows(ofOrderRow: 6)) == [7, 8])  // order 302
    #expect(byOrder.rowCount(ofOrderRow: 2) == 0)  // order 103 is train
    let counts = data.priorProducts.rowCountsByProduct(data.products.rowIndex(), productCount: data.products.count)
    #expect(counts == [4, 3, 3])
}

@Test func textColumnKeepsBytesAndOffsets() {
    let column = TextColumn(["a", "", "crème, \"x\""])
    #expect(column.count == 3)
    #expect(column.offsets == [0, 1, 1, 1 + Int32("crème, \"x\"".utf8.count)])
    #expect(column.string(at: 2) == "crème, \"x\"")
    #expect(column.withBytes(at: 1) { $0.count } == 0)
}
