/// The row loops of `TreeGrower`: histogram evaluation of a node, partitioning, out-of-bag scoring.
extension TreeGrower {
    /// Builds (or reads) and scans the histograms of `batchFeatures[0..<batch]`; returns how many
    /// were not constant in the node and marks the constant ones in `childKnown`.
    func evaluate(batch: Int, task: Task, childKnown: UnsafeMutablePointer<UInt8>, best: inout SplitCandidate?) -> Int {
        if batch == 0 { return 0 }
        let count = task.end - task.start
        let nodeSamples = UnsafePointer(samples(depth: task.depth) + task.start)
        let nodeCodes = UnsafePointer(nodeCodes(depth: task.depth) + task.start &* rowStride)
        let minLeaf = settings.minSamplesLeaf
        var nonConstant = 0
        if task.histogram >= 0 {
            let cells = histograms[task.histogram]
            for k in 0..<batch {
                let f = Int(batchFeatures[k])
                let constant = SplitFinder.scanDense(cells + Int(offsets[f]), valueBins: valueBins[f], feature: f,
                                                     total: task.total, minLeaf: minLeaf, best: &best)
                if constant { childKnown[f] = 1 } else { nonConstant += 1 }
            }
            return nonConstant
        }
        if count < settings.sparseNodeLimit {
            HistogramBuilder.buildSparse(samples: nodeSamples, count: count, codes: nodeCodes, rowStride: rowStride,
                                         features: batchFeatures, batch: batch, into: sparseCells, seen: seen)
            for k in 0..<batch {
                let f = Int(batchFeatures[k])
                let constant = SplitFinder.scanSparse(sparseCells + 256 &* k, seen: seen + 4 &* k, valueBins: valueBins[f],
                                                      feature: f, total: task.total, minLeaf: minLeaf, best: &best)
                if constant { childKnown[f] = 1 } else { nonConstant += 1 }
            }
            return nonConstant
        }
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            (drawnCells + Int(offsets[f])).update(repeating: .zero, count: valueBins[f] + 1)
        }
        HistogramBuilder.buildDrawn(samples: nodeSamples, count: count, codes: nodeCodes, rowStride: rowStride,
                                    features: batchFeatures, batch: batch, offsets: offsets, into: drawnCells)
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            let constant = SplitFinder.scanDense(drawnCells + Int(offsets[f]), valueBins: valueBins[f], feature: f,
                                                 total: task.total, minLeaf: minLeaf, best: &best)
            if constant { childKnown[f] = 1 } else { nonConstant += 1 }
        }
        return nonConstant
    }

    /// Stable partition of the node's samples and their codes into the other buffer, over the same
    /// range: left rows first, in order, then right rows (the split's left count says where they start).
    /// The codes are read and written sequentially: 12 + rowStride bytes each way per row.
    func partition(_ task: Task, _ split: SplitCandidate) {
        var left = task.start, right = task.start + split.left.count
        partitionRows(task.start..<task.end, task, split, left: &left, right: &right)
        precondition(left == task.start + split.left.count && right == task.end, "partition disagrees with the histogram")
    }

    /// `partition`, adding the rows of one side (left when `buildLeft`) to the full histogram `cells`.
    /// Chunk by chunk: the chunk is partitioned, then its rows that went to the built side (contiguous
    /// in the target buffer thanks to the stable partition, their codes just written and in cache) are
    /// added to the histogram in order.
    func partitionBuilding(_ task: Task, _ split: SplitCandidate, buildLeft: Bool, into cells: UnsafeMutablePointer<HistogramCell>) {
        let target = UnsafePointer(samples(depth: task.depth + 1)), targetCodes = UnsafePointer(nodeCodes(depth: task.depth + 1))
        let stride = rowStride, p = self.p, offsets = UnsafePointer(self.offsets)
        var left = task.start, right = task.start + split.left.count
        var chunkStart = task.start
        while chunkStart < task.end {
            let chunkEnd = min(task.end, chunkStart + TreeGrower.chunkRows)
            let leftBefore = left, rightBefore = right
            partitionRows(chunkStart..<chunkEnd, task, split, left: &left, right: &right)
            let (from, to) = buildLeft ? (leftBefore, left) : (rightBefore, right)
            for k in from..<to {
                let s = target[k]
                HistogramBuilder.addRow(targetCodes + k &* stride, featureCount: p, offsets: offsets,
                                        weightedTarget: Double(s.target) * Double(s.weight),
                                        packed: UInt64(s.weight) | (1 << 32), into: cells)
            }
            chunkStart = chunkEnd
        }
        precondition(left == task.start + split.left.count && right == task.end, "partition disagrees with the histogram")
    }

    /// Moves the rows `range` of the node of `task` to the children's buffer: a left row to `left`,
    /// a right row to `right`, advancing that cursor. Branch-free (the destination is computed, so an
    /// unpredictable side costs no misprediction); a 32-byte stride gets its own loop with the row
    /// copy unrolled.
    @inline(__always)
    private func partitionRows(_ range: Range<Int>, _ task: Task, _ split: SplitCandidate, left: inout Int, right: inout Int) {
        let f = split.feature, bin = UInt8(split.bin)
        let leftMissingCode = split.missingLeft ? valueBins[f] : -1
        let source = UnsafePointer(samples(depth: task.depth)), target = samples(depth: task.depth + 1)
        let sourceCodes = UnsafePointer(nodeCodes(depth: task.depth)), targetCodes = nodeCodes(depth: task.depth + 1)
        @inline(__always) func run(stride: Int) {
            var l = left, r = right
            for i in range {
                let rowCodes = sourceCodes + i &* stride
                let code = rowCodes[f]
                let g = (code <= bin ? 1 : 0) | (Int(code) == leftMissingCode ? 1 : 0)
                let d = r &+ (l &- r) &* g
                target[d] = source[i]
                TreeGrower.copyRow(rowCodes, to: targetCodes + d &* stride, stride: stride)
                l &+= g
                r &+= 1 &- g
            }
            left = l
            right = r
        }
        if rowStride == 32 { run(stride: 32) } else { run(stride: rowStride) }
    }

    /// A node of a tree re-laid for scoring on codes, 8 bytes (children adjacent: right = left + 1).
    /// A row goes left when its code c satisfies c ≤ bin or c = leftMissing; leftMissing is the
    /// feature's missing code when missing values go left, else `bin` itself (adding nothing).
    /// Leaves have feature `CodedNode.leaf`; their values are read from the tree.
    struct CodedNode {
        var left: Int32
        var feature: UInt16
        var bin: UInt8
        var leftMissing: UInt8
        static let leaf = UInt16.max
    }

    /// Rows walking the tree together in `accumulateOutOfBag`.
    static let outOfBagLanes = 8

    /// Adds the tree's prediction for every out-of-bag row (bootstrap count 0) to `oobSum`/`oobCount`.
    /// `outOfBagLanes` rows walk the tree together, one step each in turn, so that their cache misses
    /// (a node per level) overlap; a lane whose row reached its leaf takes the next out-of-bag row.
    func accumulateOutOfBag(_ tree: DecisionTree) {
        var nodes = codedNodes
        nodes.removeAll(keepingCapacity: true)
        codedNodes = []
        defer { codedNodes = nodes }
        for i in 0..<tree.nodeCount {
            let f = Int(tree.feature[i]), bin = tree.thresholdBin[i]
            // the grower appends both children together, so right = left + 1 holds here
            nodes.append(CodedNode(left: tree.left[i], feature: f >= 0 ? UInt16(f) : CodedNode.leaf, bin: bin,
                                   leftMissing: f >= 0 && tree.missingGoesLeft[i] != 0 ? UInt8(valueBins[f]) : bin))
        }
        let lanes = TreeGrower.outOfBagLanes
        nodes.withUnsafeBufferPointer { nodes in
          tree.value.withUnsafeBufferPointer { values in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * lanes) { state in
                let nodes = nodes.baseAddress!, at = state.baseAddress!, rows = at + lanes
                let stride = rowStride, codes = self.codes, counts = self.counts, n = self.n
                var next = 0, active = 0
                @inline(__always) func nextRow() -> Int {
                    while next < n && counts[next] != 0 { next &+= 1 }
                    if next == n { return -1 }
                    next &+= 1
                    return next &- 1
                }
                for k in 0..<lanes {
                    rows[k] = nextRow()
                    at[k] = 0
                    if rows[k] >= 0 { active &+= 1 }
                }
                while active > 0 {
                    for k in 0..<lanes {
                        let r = rows[k]
                        if r < 0 { continue }
                        let node = nodes[at[k]]
                        if node.feature != CodedNode.leaf {
                            let c = codes[r &* stride &+ Int(node.feature)]
                            let goLeft = c <= node.bin || c == node.leftMissing
                            at[k] = Int(node.left) &+ (goLeft ? 0 : 1)
                            continue
                        }
                        oobSum[r] &+= Int64((Double(values[at[k]]) * oobScale).rounded())
                        oobCount[r] &+= 1
                        let following = nextRow()
                        rows[k] = following
                        at[k] = 0
                        if following < 0 { active &-= 1 }
                    }
                }
            }
          }
        }
    }
}
