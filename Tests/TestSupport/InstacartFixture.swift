import Features
import Foundation

/// A tiny valid Instacart folder, small enough to check every statistic by hand.
///
/// Users: 1 has orders 101 (prior), 102 (prior), 103 (train); 2 has 201 (prior), 202 (test);
/// 3 has 301, 302, 303 (prior), 304 (train). Products 10 Banana, 20 `Yogurt, "Plain"`, 30 Apple.
public enum InstacartFixture {
    public static let files: [String: String] = [
        "aisles.csv": """
            aisle_id,aisle
            1,fresh fruits
            2,"yogurt, greek"

            """,
        "departments.csv": """
            department_id,department
            1,produce
            2,dairy eggs

            """,
        "products.csv": #"""
            product_id,product_name,aisle_id,department_id
            10,Banana,1,1
            20,"Yogurt, ""Plain""",2,2
            30,Apple,1,1

            """#,
        "orders.csv": """
            order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order
            101,1,prior,1,0,8,
            102,1,prior,2,1,9,7.0
            103,1,train,3,2,10,30.0
            201,2,prior,1,3,8,
            202,2,test,2,3,12,0.0
            301,3,prior,1,0,8,
            302,3,prior,2,0,8,7.0
            303,3,prior,3,0,9,14.0
            304,3,train,4,1,10,1.0

            """,
        "order_products__prior.csv": """
            order_id,product_id,add_to_cart_order,reordered
            101,10,1,0
            101,20,2,0
            102,10,1,1
            201,30,1,0
            301,10,1,0
            301,20,2,0
            301,30,3,0
            302,10,1,1
            302,30,2,1
            303,20,1,1

            """,
        "order_products__train.csv": """
            order_id,product_id,add_to_cart_order,reordered
            103,10,1,1
            103,30,2,0
            304,20,1,1

            """,
    ]

    /// Writes the fixture, with `changes` replacing whole files (nil removes a file), and returns the
    /// folder.
    public static func folder(_ changes: [String: String?] = [:]) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        var contents = files
        for (name, text) in changes { contents[name] = text }
        for (name, text) in contents { try dir.write(name, text) }
        return dir
    }

    /// The fixture's file with one line (1-based, header = 1) replaced.
    public static func replacingLine(_ file: String, _ line: Int, with text: String) -> [String: String?] {
        var lines = files[file]!.components(separatedBy: "\n")
        lines[line - 1] = text
        return [file: lines.joined(separator: "\n")]
    }

    /// The fixture's data, built by hand (what the reader must return).
    public static var expected: InstacartData {
        var d = InstacartData()
        d.aisles.append(id: 1, name: "fresh fruits")
        d.aisles.append(id: 2, name: "yogurt, greek")
        d.departments.append(id: 1, name: "produce")
        d.departments.append(id: 2, name: "dairy eggs")
        d.products.append(productID: 10, name: "Banana", aisleID: 1, departmentID: 1)
        d.products.append(productID: 20, name: "Yogurt, \"Plain\"", aisleID: 2, departmentID: 2)
        d.products.append(productID: 30, name: "Apple", aisleID: 1, departmentID: 1)
        let orders: [(Int32, Int32, EvalSet, Int16, UInt8, UInt8, Float)] = [
            (101, 1, .prior, 1, 0, 8, .nan), (102, 1, .prior, 2, 1, 9, 7), (103, 1, .train, 3, 2, 10, 30),
            (201, 2, .prior, 1, 3, 8, .nan), (202, 2, .test, 2, 3, 12, 0),
            (301, 3, .prior, 1, 0, 8, .nan), (302, 3, .prior, 2, 0, 8, 7), (303, 3, .prior, 3, 0, 9, 14),
            (304, 3, .train, 4, 1, 10, 1),
        ]
        for o in orders {
            d.orders.append(orderID: o.0, userID: o.1, evalSet: o.2, orderNumber: o.3, dow: o.4, hour: o.5, daysSincePrior: o.6)
        }
        let prior: [(Int32, Int32, Int16, UInt8)] = [
            (101, 10, 1, 0), (101, 20, 2, 0), (102, 10, 1, 1), (201, 30, 1, 0), (301, 10, 1, 0), (301, 20, 2, 0),
            (301, 30, 3, 0), (302, 10, 1, 1), (302, 30, 2, 1), (303, 20, 1, 1),
        ]
        for r in prior { d.priorProducts.append(orderID: r.0, productID: r.1, addToCartOrder: r.2, reordered: r.3) }
        for r in [(103, 10, 1, 1), (103, 30, 2, 0), (304, 20, 1, 1)] as [(Int32, Int32, Int16, UInt8)] {
            d.trainProducts.append(orderID: r.0, productID: r.1, addToCartOrder: r.2, reordered: r.3)
        }
        return d
    }

    /// The error `read` throws for `dir`, as text ("no error" when it reads).
    public static func readError(_ dir: TemporaryDirectory, threads: Int = 1, parallelThreshold: Int = 1 << 30) -> String {
        do {
            _ = try InstacartReader.read(directory: dir.path, threads: threads, parallelThreshold: parallelThreshold)
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
