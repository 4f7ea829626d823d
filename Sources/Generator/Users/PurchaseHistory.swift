/// The per (user, product) state of one user (CALIBRATION.md §4.2 step 7) as struct-of-arrays over
/// raw buffers, for the simulator's hot loop: product id, habit strength h, purchase count k, order
/// number of the last purchase, calendar day of the last purchase, the pair's consumption-cycle class
/// and its current preference level x (ln of the factor of h that switches, `UserSimulator.wander`).
/// Plus one scratch column (`keys`) the repeat choice uses.
///
/// Owned by one `UserSimulator` (not thread-safe); `deallocate()` must be called once. Appending is
/// amortised O(1) (capacity doubles).
struct PurchaseHistory {
    private(set) var capacity: Int
    var count = 0
    var product: UnsafeMutablePointer<Int32>
    var habit: UnsafeMutablePointer<Double>
    var purchases: UnsafeMutablePointer<Int32>
    var lastOrder: UnsafeMutablePointer<Int32>
    var lastDay: UnsafeMutablePointer<Int32>
    var cycle: UnsafeMutablePointer<UInt8>
    var level: UnsafeMutablePointer<Double>
    var keys: UnsafeMutablePointer<Double>

    init(capacity: Int = 1024) {
        self.capacity = capacity
        product = .allocate(capacity: capacity)
        habit = .allocate(capacity: capacity)
        purchases = .allocate(capacity: capacity)
        lastOrder = .allocate(capacity: capacity)
        lastDay = .allocate(capacity: capacity)
        cycle = .allocate(capacity: capacity)
        level = .allocate(capacity: capacity)
        keys = .allocate(capacity: capacity)
    }

    /// Appends a new pair bought first in order `order` on day `day`, returns its slot.
    @inline(__always)
    mutating func append(product id: Int32, habit h: Double, order: Int32, day: Int32, cycle c: UInt8 = 0) -> Int {
        if count == capacity { grow() }
        let i = count
        product[i] = id
        habit[i] = h
        purchases[i] = 1
        lastOrder[i] = order
        lastDay[i] = day
        cycle[i] = c
        level[i] = 0
        count += 1
        return i
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let fresh = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            fresh.moveInitialize(from: old, count: count)
            old.deallocate()
            return fresh
        }
        product = moved(product)
        habit = moved(habit)
        purchases = moved(purchases)
        lastOrder = moved(lastOrder)
        lastDay = moved(lastDay)
        cycle = moved(cycle)
        level = moved(level)
        keys.deallocate()
        keys = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }

    func deallocate() {
        product.deallocate()
        habit.deallocate()
        purchases.deallocate()
        lastOrder.deallocate()
        lastDay.deallocate()
        cycle.deallocate()
        level.deallocate()
        keys.deallocate()
    }
}
