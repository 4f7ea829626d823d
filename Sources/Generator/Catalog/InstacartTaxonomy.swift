/// The public Instacart taxonomy and the per-aisle calibration the generator needs, embedded so that
/// the tool never reads anything at run time: the 21 department names (department_id 1..21), the
/// 134 aisles (aisle_id 1..134) with the real product count of each (sum 49,688) and the statistics
/// measured on the real slice (CALIBRATION.md §1.3, `aisle_params.csv`).
public enum InstacartTaxonomy {
    /// One aisle of the catalog.
    public struct Aisle: Sendable, Equatable {
        public let id: Int
        public let name: String
        public let departmentID: Int
        /// Number of products in the real catalog.
        public let productCount: Int
        /// Share of first purchases (reordered = 0 rows) falling in this aisle.
        public let newItemShare: Double
        /// Reorder ratio of the aisle's rows in orders after the first.
        public let reorderRatio: Double
        /// Fitted log-sd of product popularity within the aisle (`calibrate.fit_aisle_pop_sd`).
        public let popularitySpread: Double
    }

    /// Department names, index = department_id - 1.
    public static let departments = [
        "frozen", "other", "bakery", "produce", "alcohol", "international", "beverages", "pets",
        "dry goods pasta", "bulk", "personal care", "meat seafood", "pantry", "breakfast", "canned goods",
        "dairy eggs", "household", "babies", "snacks", "deli", "missing",
    ]

    /// Share of first purchases per department (department_id 1..21), the prior mean of the users'
    /// department affinity (proto `DEPT_NEW_SHARE`).
    public static let departmentNewItemShare = [
        0.074, 0.0016, 0.0334, 0.2366, 0.0045, 0.0139, 0.0697, 0.003, 0.0348, 0.0013, 0.0227, 0.0231,
        0.1011, 0.0238, 0.0432, 0.1335, 0.0334, 0.0146, 0.0977, 0.0306, 0.0037,
    ]

    private static func a(
        _ id: Int, _ name: String, _ department: Int, _ products: Int, _ newShare: Double,
        _ reorder: Double, _ spread: Double
    ) -> Aisle {
        Aisle(
            id: id, name: name, departmentID: department, productCount: products, newItemShare: newShare,
            reorderRatio: reorder, popularitySpread: spread)
    }

    /// The 134 aisles in aisle_id order: (id, name, department_id, products, new-item share, reorder
    /// ratio after the first order, popularity spread).
    public static let aisles: [Aisle] = [
        a(1, "prepared soups salads", 20, 146, 0.00216, 0.56735, 1.4),
        a(2, "specialty cheeses", 16, 271, 0.00355, 0.58612, 1.7),
        a(3, "energy granola bars", 19, 832, 0.01548, 0.68777, 1.1),
        a(4, "instant foods", 9, 543, 0.00713, 0.60299, 1.5),
        a(5, "marinades meat preparation", 13, 409, 0.00362, 0.38176, 1.9),
        a(6, "other", 2, 548, 0.00157, 0.61353, 0.7),
        a(7, "packaged meat", 12, 100, 0.00131, 0.60248, 2.4),
        a(8, "bakery desserts", 3, 297, 0.00135, 0.6, 1.0),
        a(9, "pasta sauce", 9, 399, 0.00757, 0.54034, 1.9),
        a(10, "kitchen supplies", 17, 218, 0.00054, 0.06897, 2.0),
        a(11, "cold flu allergy", 11, 427, 0.00166, 0.46104, 0.9),
        a(12, "fresh pasta", 9, 123, 0.00183, 0.60965, 1.4),
        a(13, "prepared meals", 20, 317, 0.00318, 0.59367, 1.5),
        a(14, "tofu meat alternatives", 20, 159, 0.00392, 0.67899, 1.7),
        a(15, "packaged seafood", 12, 80, 0.00089, 0.48352, 2.3),
        a(16, "fresh herbs", 4, 86, 0.01341, 0.58397, 1.6),
        a(17, "baking ingredients", 13, 623, 0.02021, 0.40758, 1.4),
        a(18, "bulk dried fruits vegetables", 10, 12, 0.00059, 0.56061, 2.5),
        a(19, "oils vinegars", 13, 375, 0.01256, 0.41171, 1.9),
        a(20, "oral hygiene", 11, 565, 0.0034, 0.35206, 1.5),
        a(21, "packaged cheese", 16, 891, 0.028, 0.68531, 1.7),
        a(22, "hair care", 11, 816, 0.00172, 0.25, 1.0),
        a(23, "popcorn jerky", 19, 316, 0.0055, 0.61773, 1.6),
        a(24, "fresh fruits", 4, 382, 0.07256, 0.79576, 1.7),
        a(25, "soap", 11, 525, 0.00371, 0.34276, 1.7),
        a(26, "coffee", 7, 680, 0.00491, 0.69385, 1.6),
        a(27, "beers coolers", 5, 385, 0.00164, 0.77437, 2.0),
        a(28, "red wines", 5, 232, 0.00102, 0.60177, 2.5),
        a(29, "honeys syrups nectars", 13, 229, 0.00397, 0.35294, 1.4),
        a(30, "latino foods", 6, 257, 0.00371, 0.42638, 1.6),
        a(31, "refrigerated", 7, 675, 0.01384, 0.73024, 1.6),
        a(32, "packaged produce", 4, 32, 0.00545, 0.75483, 1.3),
        a(33, "kosher foods", 6, 169, 0.00033, 0.30769, 0.7),
        a(34, "frozen meat seafood", 1, 229, 0.00233, 0.59582, 1.9),
        a(35, "poultry counter", 12, 82, 0.00362, 0.64567, 2.1),
        a(36, "butter", 16, 150, 0.00796, 0.64641, 2.2),
        a(37, "ice cream ice", 1, 1091, 0.01877, 0.57163, 1.2),
        a(38, "frozen meals", 1, 880, 0.01169, 0.65727, 1.4),
        a(39, "seafood counter", 12, 54, 0.00124, 0.5, 2.2),
        a(40, "dog food care", 8, 473, 0.0017, 0.80046, 0.6),
        a(41, "cat food care", 8, 499, 0.00127, 0.61963, 1.7),
        a(42, "frozen vegan vegetarian", 1, 189, 0.00279, 0.66337, 1.3),
        a(43, "buns rolls", 3, 195, 0.0039, 0.62213, 1.2),
        a(44, "eye ear care", 11, 113, 0.00055, 0.09091, 2.2),
        a(45, "candy chocolate", 19, 1246, 0.01094, 0.616, 1.4),
        a(46, "mint gum", 19, 168, 0.00054, 0.71591, 1.1),
        a(47, "vitamins supplements", 11, 1038, 0.00238, 0.44495, 2.0),
        a(48, "breakfast bars pastries", 14, 173, 0.0019, 0.62249, 0.8),
        a(49, "packaged poultry", 12, 99, 0.00325, 0.6629, 1.9),
        a(50, "fruit vegetable snacks", 19, 356, 0.00574, 0.70693, 1.9),
        a(51, "preserved dips spreads", 13, 264, 0.00486, 0.52281, 2.2),
        a(52, "frozen breakfast", 1, 296, 0.00683, 0.70694, 1.4),
        a(53, "cream", 16, 161, 0.00794, 0.76395, 2.4),
        a(54, "paper goods", 17, 322, 0.00842, 0.59036, 1.6),
        a(55, "shave needs", 11, 198, 0.00052, 0.36842, 1.1),
        a(56, "diapers wipes", 18, 187, 0.00105, 0.49524, 1.2),
        a(57, "granola", 14, 185, 0.00345, 0.65812, 1.4),
        a(58, "frozen breads doughs", 1, 81, 0.00144, 0.53247, 1.6),
        a(59, "canned meals beans", 15, 342, 0.01051, 0.58132, 2.0),
        a(60, "trash bags liners", 17, 112, 0.00179, 0.34328, 1.3),
        a(61, "cookies cakes", 19, 874, 0.00837, 0.61415, 1.5),
        a(62, "white wines", 5, 147, 0.00076, 0.74126, 2.4),
        a(63, "grains rice dried goods", 9, 336, 0.00696, 0.4531, 1.5),
        a(64, "energy sports drinks", 7, 294, 0.00248, 0.61513, 1.7),
        a(65, "protein meal replacements", 11, 325, 0.0012, 0.64848, 1.4),
        a(66, "asian foods", 6, 605, 0.00894, 0.44162, 1.3),
        a(67, "fresh dips tapenades", 20, 327, 0.00994, 0.6593, 1.7),
        a(68, "bulk grains rice dried goods", 10, 26, 0.00066, 0.67021, 1.2),
        a(69, "soup broth bouillon", 15, 737, 0.01502, 0.48552, 1.6),
        a(70, "digestion", 11, 338, 0.00105, 0.48077, 1.0),
        a(71, "refrigerated pudding desserts", 16, 98, 0.00102, 0.42529, 0.9),
        a(72, "condiments", 13, 466, 0.0128, 0.35743, 1.7),
        a(73, "facial care", 11, 277, 0.00037, 0.21739, 1.1),
        a(74, "dish detergents", 17, 204, 0.0046, 0.48132, 1.4),
        a(75, "laundry", 17, 506, 0.00373, 0.54523, 1.3),
        a(76, "indian foods", 6, 108, 0.00094, 0.54023, 1.1),
        a(77, "soft drinks", 7, 463, 0.00907, 0.71007, 1.4),
        a(78, "crackers", 19, 747, 0.01522, 0.643, 1.3),
        a(79, "frozen pizza", 1, 335, 0.00414, 0.65714, 1.4),
        a(80, "deodorants", 11, 317, 0.00076, 0.19608, 1.0),
        a(81, "canned jarred vegetables", 15, 487, 0.01258, 0.47098, 1.7),
        a(82, "baby accessories", 18, 44, 0.00018, 0.88571, 2.0),
        a(83, "fresh vegetables", 4, 569, 0.10006, 0.69304, 1.2),
        a(84, "milk", 16, 243, 0.01476, 0.85008, 1.4),
        a(85, "food storage", 17, 206, 0.00412, 0.22545, 1.9),
        a(86, "eggs", 16, 125, 0.00948, 0.79486, 1.5),
        a(87, "more household", 17, 308, 0.001, 0.45833, 1.9),
        a(88, "spreads", 13, 493, 0.01228, 0.56766, 1.7),
        a(89, "salad dressing toppings", 13, 560, 0.00416, 0.39645, 1.6),
        a(90, "cocoa drink mixes", 7, 223, 0.00164, 0.5933, 1.5),
        a(91, "soy lactosefree", 16, 293, 0.01474, 0.77989, 1.5),
        a(92, "baby food formula", 18, 718, 0.01263, 0.56808, 1.2),
        a(93, "breakfast bakery", 3, 226, 0.00698, 0.70815, 1.2),
        a(94, "tea", 7, 894, 0.01073, 0.52585, 1.1),
        a(95, "canned meat seafood", 15, 283, 0.00229, 0.60351, 1.1),
        a(96, "lunch meat", 20, 373, 0.01142, 0.67026, 1.7),
        a(97, "baking supplies decor", 13, 290, 0.00157, 0.25, 1.8),
        a(98, "juice nectars", 7, 792, 0.01066, 0.66988, 1.4),
        a(99, "canned fruit applesauce", 15, 243, 0.00281, 0.5861, 1.3),
        a(100, "missing", 21, 1258, 0.00375, 0.45, 1.7),
        a(101, "air fresheners candles", 17, 355, 0.00135, 0.32, 0.9),
        a(102, "baby bath body care", 18, 132, 0.0007, 0.35294, 1.1),
        a(103, "ice cream toppings", 19, 85, 0.00059, 0.25581, 0.7),
        a(104, "spices seasonings", 13, 797, 0.015, 0.18577, 1.4),
        a(105, "doughs gelatins bake mixes", 13, 463, 0.00469, 0.49041, 1.6),
        a(106, "hot dogs bacon sausage", 12, 387, 0.01023, 0.64412, 1.6),
        a(107, "chips pretzels", 19, 989, 0.02302, 0.64875, 1.5),
        a(108, "other creams cheeses", 16, 191, 0.00986, 0.63202, 1.5),
        a(109, "skin care", 11, 245, 0.00066, 0.14634, 1.3),
        a(110, "pickled goods olives", 13, 402, 0.00534, 0.50659, 1.7),
        a(111, "plates bowls cups flatware", 17, 199, 0.00187, 0.57944, 0.9),
        a(112, "bread", 3, 557, 0.01443, 0.76064, 1.3),
        a(113, "frozen juice", 1, 47, 9e-05, 0.28571, 0.6),
        a(114, "cleaning products", 17, 655, 0.00595, 0.28019, 1.3),
        a(115, "water seltzer sparkling water", 7, 344, 0.01633, 0.80276, 1.5),
        a(116, "frozen produce", 1, 361, 0.01843, 0.65265, 1.6),
        a(117, "nuts seeds dried fruit", 19, 582, 0.01114, 0.56895, 1.6),
        a(118, "first aid", 11, 240, 0.00076, 0.29825, 1.2),
        a(119, "frozen dessert", 1, 112, 0.00078, 0.4697, 2.0),
        a(120, "yogurt", 16, 1026, 0.0362, 0.73568, 1.0),
        a(121, "cereal", 14, 454, 0.01201, 0.66913, 1.4),
        a(122, "meat counter", 12, 105, 0.0026, 0.57576, 1.4),
        a(123, "packaged vegetables fruits", 4, 615, 0.04511, 0.71261, 2.0),
        a(124, "spirits", 5, 195, 0.00066, 0.65957, 1.4),
        a(125, "trail mix snack mix", 19, 69, 0.00115, 0.67925, 2.1),
        a(126, "feminine care", 11, 285, 0.00091, 0.15094, 0.6),
        a(127, "body lotions soap", 11, 504, 0.00187, 0.46857, 1.3),
        a(128, "tortillas flat bread", 3, 241, 0.00674, 0.59521, 1.3),
        a(129, "frozen appetizers sides", 1, 386, 0.00667, 0.62293, 1.2),
        a(130, "hot cereal pancake mixes", 14, 303, 0.00643, 0.64335, 1.6),
        a(131, "dry pasta", 9, 457, 0.0113, 0.53234, 1.4),
        a(132, "beauty", 11, 178, 0.00048, 0.31579, 1.9),
        a(133, "muscles joints pain relief", 11, 172, 0.00066, 0.54795, 1.7),
        a(134, "specialty wines champagnes", 5, 95, 0.00044, 0.67213, 1.2),
    ]
}
