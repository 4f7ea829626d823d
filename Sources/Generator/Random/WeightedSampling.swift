/// Weighted sampling without replacement (successive draws, each with probability proportional to
/// the weights of the items not drawn yet: the Plackett-Luce law the repeat choice uses).
enum WeightedSampling {
    /// Fast form: the `take` items with the smallest E_i / w_i, E_i ~ Exp(1) independent (an
    /// "exponential race", equivalent to the Gumbel top-k of ln w_i and to the successive draws of
    /// `naive`). Writes the chosen indices to `chosen` (in heap order) and returns how many (min(take,
    /// n)). `keys` and `chosen` need room for `take` values. Items with weight 0 are never chosen
    /// unless fewer than `take` items have a positive weight.
    ///
    /// Cost: n exponential draws (one logarithm each) and O(n log take) heap work.
    static func exponentialRace(
        weights: UnsafeBufferPointer<Double>, take: Int, keys: UnsafeMutablePointer<Double>,
        chosen: UnsafeMutablePointer<Int32>, random: inout RandomSource
    ) -> Int {
        let n = weights.count
        if take >= n {
            for i in 0..<n { chosen[i] = Int32(i) }
            return n
        }
        var count = 0
        for i in 0..<n {
            let key = random.exponential() / weights[i]
            if count < take {
                keys[count] = key
                chosen[count] = Int32(i)
                count += 1
                siftUp(keys, chosen, count - 1)
            } else if key < keys[0] {
                keys[0] = key
                chosen[0] = Int32(i)
                siftDown(keys, chosen, count)
            }
        }
        return count
    }

    /// Naive twin for tests: `take` successive categorical draws, each over the remaining items.
    /// Cost O(n * take).
    static func naive(weights: [Double], take: Int, random: inout RandomSource) -> [Int] {
        var remaining = weights
        var chosen: [Int] = []
        for _ in 0..<min(take, weights.count) {
            let total = remaining.reduce(0, +)
            var x = random.uniform() * total
            var pick = remaining.lastIndex { $0 > 0 } ?? remaining.count - 1
            for (i, w) in remaining.enumerated() where w > 0 {
                if x < w {
                    pick = i
                    break
                }
                x -= w
            }
            chosen.append(pick)
            remaining[pick] = 0
        }
        return chosen
    }

    /// Restores the max-heap property upwards from `start`.
    @inline(__always)
    static func siftUp(_ keys: UnsafeMutablePointer<Double>, _ slots: UnsafeMutablePointer<Int32>, _ start: Int) {
        var c = start
        while c > 0 {
            let parent = (c - 1) >> 1
            if keys[parent] >= keys[c] { break }
            swap(&keys[parent], &keys[c])
            swap(&slots[parent], &slots[c])
            c = parent
        }
    }

    /// Restores the max-heap property downwards from the root of a heap of `n` items.
    @inline(__always)
    static func siftDown(_ keys: UnsafeMutablePointer<Double>, _ slots: UnsafeMutablePointer<Int32>, _ n: Int) {
        var c = 0
        while true {
            let l = 2 * c + 1
            if l >= n { break }
            var m = l
            if l + 1 < n && keys[l + 1] > keys[l] { m = l + 1 }
            if keys[c] >= keys[m] { break }
            swap(&keys[c], &keys[m])
            swap(&slots[c], &slots[m])
            c = m
        }
    }
}
