import Features
import Testing
@testable import Stream

@Suite struct OrderEventJSONTests {
    static let sample = OrderEvent(
        orderID: 2_539_329, userID: 1, evalSet: .prior, orderNumber: 2, dow: 2, hour: 8, daysSincePrior: 15,
        lines: [OrderLine(productID: 196, addToCartOrder: 1, reordered: true),
                OrderLine(productID: 14084, addToCartOrder: 2, reordered: false)])

    @Test func encodingIsTheDocumentedLayout() {
        let text = String(decoding: OrderEventJSON.encode(Self.sample), as: UTF8.self)
        #expect(text == #"{"order_id":2539329,"user_id":1,"eval_set":"prior","order_number":2,"order_dow":2,"#
            + #""order_hour_of_day":8,"days_since_prior_order":15,"products":[[196,1,1],[14084,2,0]]}"#)
    }

    @Test func everyKindOfEventRoundTrips() throws {
        var events = [Self.sample]
        events.append(OrderEvent(orderID: Int32.max, userID: Int32.max, evalSet: .train, orderNumber: Int16.max, dow: 6,
                                 hour: 23, daysSincePrior: 7.5, lines: [OrderLine(productID: 3, addToCartOrder: 1)]))
        events.append(OrderEvent(orderID: 5, userID: 9, evalSet: .test, orderNumber: 4, dow: 0, hour: 0,
                                 daysSincePrior: 0, lines: []))
        events.append(OrderEvent(orderID: 6, userID: 9, orderNumber: 1, dow: 0, hour: 0, daysSincePrior: nil,
                                 lines: (1...300).map { OrderLine(productID: Int32($0), addToCartOrder: Int16($0), reordered: $0 % 2 == 0) }))
        for e in events {
            #expect(try OrderEventJSON.decode(OrderEventJSON.encode(e)) == e)
        }
    }

    @Test func keysInAnyOrderWithSpacesAndAMissingEvalSetAreAccepted() throws {
        let text = """
         { "products" : [ [ 196 , 1 ] ] , "days_since_prior_order" : 30.0, "order_hour_of_day": 8,
           "order_dow": 2, "order_number": 3, "user_id": 1, "order_id": 10 }
        """
        let e = try OrderEventJSON.decode(Array(text.utf8))
        #expect(e == OrderEvent(orderID: 10, userID: 1, evalSet: .prior, orderNumber: 3, dow: 2, hour: 8,
                                daysSincePrior: 30, lines: [OrderLine(productID: 196, addToCartOrder: 1, reordered: nil)]))
    }

    static let refused: [(String, String)] = [
        ("", "expected the event must be a JSON object"),
        ("[1,2]", "expected the event must be a JSON object"),
        (#"{"order_id":1"#, "after the value of \"order_id\""),
        (#"{"order_id":-4,"#, "order_id -4 is outside 1...2147483647"),
        (#"{"order_id":0}"#, "order_id 0 is outside"),
        (#"{"order_id":99999999999999999999999}"#, "order_id too large"),
        (#"{"order_id":1.5}"#, "order_id is not an integer"),
        (#"{"order_id":"7"}"#, "order_id must be an integer"),
        (#"{"order_id":1,"order_id":2}"#, "key \"order_id\" appears twice"),
        (#"{"colour":"red"}"#, "unknown key \"colour\""),
        (#"{"order_id":1}"#, "missing key \"user_id\""),
        (#"{"eval_set":"later"}"#, "eval_set \"later\" is not prior, train or test"),
        (#"{"order_dow":7}"#, "order_dow 7 is outside 0...6"),
        (#"{"order_hour_of_day":24}"#, "order_hour_of_day 24 is outside 0...23"),
        (#"{"days_since_prior_order":400}"#, "days_since_prior_order 400 is outside 0...365"),
        (#"{"products":[[1,2]]}"#, "add_to_cart_order of product 1 is 2, expected 1"),
        (#"{"products":[[1,1],[1,2]]}"#, "product_id 1 appears twice"),
        (#"{"products":[[1,1,2]]}"#, "reordered of product 1 2 is outside 0...1"),
        (#"{"products":[[-1,1]]}"#, "product_id of product 1 -1 is outside"),
        (#"{"order_id":1} x"#, "bytes after the end"),
        ("{\"order_id\u{0}\":1}", "control byte inside a string"),
    ]

    @Test(arguments: refused) func malformedEventsAreRefusedWithAReason(text: String, reason: String) {
        #expect {
            _ = try OrderEventJSON.decode(Array(text.utf8))
        } throws: { error in
            let r = (error as? OrderEventRejection)?.reason ?? ""
            return r.contains(reason)
        }
    }

    @Test func orderLevelRulesAreChecked() {
        func reason(_ change: (inout OrderEvent) -> Void) -> String {
            var e = Self.sample
            change(&e)
            do { _ = try OrderEventJSON.decode(OrderEventJSON.encode(e)); return "accepted" } catch { return error.reason }
        }
        #expect(reason { $0.lines = [] } == "a prior order needs at least one product")
        #expect(reason { $0.evalSet = .test } == "a test order has no products, this one has 2")
        #expect(reason { $0.orderNumber = 1 } == "order_number 1 (a user's first order) has days_since_prior_order")
        #expect(reason { $0.daysSincePrior = nil } == "order_number 2 has no days_since_prior_order")
    }

    @Test func anOversizedEventIsRefusedBeforeItIsRead() {
        let big = [UInt8](repeating: 0x20, count: OrderEventJSON.maximumBytes + 1)
        #expect(throws: OrderEventRejection.self) { try OrderEventJSON.decode(big) }
    }
}
