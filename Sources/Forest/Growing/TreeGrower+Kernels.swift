/// The row loops of `TreeGrower`: histogram evaluation of a node, partitioning, out-of-bag scoring.
extension TreeGrower {
    /// Builds (or reads) and scans the histograms of `batchFeatures[0..<batch]`; returns how many
    /// were not constant in the node and marks the constant ones in `childKnown`.
    func evaluate(batch: Int, task: Task, childKnown: UnsafeMutablePointer<UInt8>, best: inout SplitCandidate?) -> Int {
        if batch == 0 { return 0 }
        let count = task.end - task.start
        let nodeSamples = UnsafePointer(samples + task.start)
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
            for k in 0..<batch {
                let f = Int(batchFeatures[k])
                HistogramBuilder.buildSparse(samples: nodeSamples, count: count, codes: codes, rowStride: rowStride,
                                             feature: f, into: sparseCells, seen: seen)
                let constant = SplitFinder.scanSparse(sparseCells, seen: seen, valueBins: valueBins[f],
                                                      feature: f, total: task.total, minLeaf: minLeaf, best: &best)
                if constant { childKnown[f] = 1 } else { nonConstant += 1 }
            }
            return nonConstant
        }
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            (drawnCells + Int(offsets[f])).update(repeating: .zero, count: valueBins[f] + 1)
        }
        HistogramBuilder.buildDrawn(samples: nodeSamples, count: count, codes: codes, rowStride: rowStride,
                                    features: batchFeatures, batch: batch, offsets: offsets, into: drawnCells)
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            let constant = SplitFinder.scanDense(drawnCells + Int(offsets[f]), valueBins: valueBins[f], feature: f,
                                                 total: task.total, minLeaf: minLeaf, best: &best)
            if constant { childKnown[f] = 1 } else { nonConstant += 1 }
        }
        return nonConstant
    }

    /// Stable in-place partition of the node's samples: left rows first, in order, then right rows.
    /// Branch-free: each sample is written to both destinations and only one cursor advances, so the
    /// loads of the codes of successive rows (cache misses deep in the tree) overlap instead of
    /// waiting behind a mispredicted branch.
    func partition(_ task: Task, _ split: SplitCandidate) {
        let f = split.feature, bin = UInt8(split.bin), missingCode = UInt8(valueBins[f]), missingLeft = split.missingLeft
        var write = task.start, spilled = 0
        let samples = self.samples, scratch = self.scratch, codes = self.codes, stride = self.rowStride
        for i in task.start..<task.end {
            let s = samples[i]
            let code = codes[Int(s.row) &* stride &+ f]
            let goLeft = (code <= bin) || (missingLeft && code == missingCode)
            samples[write] = s
            scratch[spilled] = s
            write &+= goLeft ? 1 : 0
            spilled &+= goLeft ? 0 : 1
        }
        (samples + write).update(from: scratch, count: spilled)
    }

    /// `partition`, adding the rows of one side (left when `buildLeft`) to the full histogram `cells`.
    /// Chunk by chunk, three passes: (1) a minimal loop loads the split feature's code of each row
    /// (a cache miss per row deep in the tree; the loop is so short that dozens are in flight at once,
    /// and it brings the rows' codes into cache); (2) the branch-free partition of the chunk from those
    /// codes alone; (3) the rows that went to the built side, contiguous in `samples` (left) or
    /// `scratch` (right) thanks to the stable partition, are added to the histogram from their codes,
    /// now in cache.
    func partitionBuilding(_ task: Task, _ split: SplitCandidate, buildLeft: Bool, into cells: UnsafeMutablePointer<HistogramCell>) {
        let f = split.feature, bin = UInt8(split.bin), missingCode = UInt8(valueBins[f]), missingLeft = split.missingLeft
        let samples = self.samples, scratch = self.scratch, codes = self.codes, stride = self.rowStride, p = self.p
        let offsets = UnsafePointer(self.offsets)
        var write = task.start, spilled = 0
        var chunkStart = task.start
        while chunkStart < task.end {
            let chunkEnd = min(task.end, chunkStart + TreeGrower.chunkRows)
            let splitCodes = self.chunkSplitCodes - chunkStart
            for i in chunkStart..<chunkEnd {
                splitCodes[i] = codes[Int(samples[i].row) &* stride &+ f]
            }
            let writeBefore = write, spilledBefore = spilled
            for i in chunkStart..<chunkEnd {
                let s = samples[i]
                let code = splitCodes[i]
                let goLeft = (code <= bin) || (missingLeft && code == missingCode)
                samples[write] = s
                scratch[spilled] = s
                write &+= goLeft ? 1 : 0
                spilled &+= goLeft ? 0 : 1
            }
            let built = buildLeft ? UnsafePointer(samples + writeBefore) : UnsafePointer(scratch + spilledBefore)
            let builtCount = buildLeft ? write - writeBefore : spilled - spilledBefore
            for k in 0..<builtCount {
                let s = built[k]
                HistogramBuilder.addRow(codes + Int(s.row) &* stride, featureCount: p, offsets: offsets,
                                        weightedTarget: Double(s.target) * Double(s.weight),
                                        packed: UInt64(s.weight) | (1 << 32), into: cells)
            }
            chunkStart = chunkEnd
        }
        (samples + write).update(from: scratch, count: spilled)
    }

    /// A node of a tree re-laid for scoring on codes (children adjacent: right = left + 1).
    struct CodedNode {
        var feature: Int32
        var left: Int32
        var bin: UInt8
        var missingCode: UInt8
        var missingLeft: Bool
        var value: Float
    }

    /// Adds the tree's prediction for every out-of-bag row (bootstrap count 0) to `oobSum`/`oobCount`.
    /// Four rows walk the tree together so that their cache misses overlap.
    func accumulateOutOfBag(_ tree: DecisionTree) {
        var nodes = codedNodes
        nodes.removeAll(keepingCapacity: true)
        codedNodes = []
        defer { codedNodes = nodes }
        for i in 0..<tree.nodeCount {
            let f = Int(tree.feature[i])
            // the grower appends both children together, so right = left + 1 holds here
            nodes.append(CodedNode(feature: tree.feature[i], left: tree.left[i], bin: tree.thresholdBin[i],
                                   missingCode: f >= 0 ? UInt8(valueBins[f]) : 0, missingLeft: tree.missingGoesLeft[i] != 0,
                                   value: tree.value[i]))
        }
        var lanes = [Int](repeating: 0, count: 4)
        nodes.withUnsafeBufferPointer { nodes in
            let nodes = nodes.baseAddress!
            let stride = rowStride, codes = self.codes
            @inline(__always) func step(_ i: Int, _ rowCodes: UnsafePointer<UInt8>) -> Int {
                let node = nodes[i]
                let c = rowCodes[Int(node.feature)]
                let goLeft = c <= node.bin || (node.missingLeft && c == node.missingCode)
                return Int(node.left) &+ (goLeft ? 0 : 1)
            }
            var pending = 0
            var r = 0
            while r <= n {
                if r < n && counts[r] != 0 {
                    r += 1
                    continue
                }
                if r < n {
                    lanes[pending] = r
                    pending += 1
                    r += 1
                    if pending < 4 { continue }
                } else {
                    r += 1
                    if pending == 0 { break }
                }
                // walk `pending` rows (4, or fewer at the end) together
                var a = 0, b = 0, c = 0, d = 0
                let ra = codes + lanes[0] &* stride
                let rb = codes + lanes[pending > 1 ? 1 : 0] &* stride
                let rc = codes + lanes[pending > 2 ? 2 : 0] &* stride
                let rd = codes + lanes[pending > 3 ? 3 : 0] &* stride
                while nodes[a].feature >= 0 || nodes[b].feature >= 0 || nodes[c].feature >= 0 || nodes[d].feature >= 0 {
                    if nodes[a].feature >= 0 { a = step(a, ra) }
                    if nodes[b].feature >= 0 { b = step(b, rb) }
                    if nodes[c].feature >= 0 { c = step(c, rc) }
                    if nodes[d].feature >= 0 { d = step(d, rd) }
                }
                for k in 0..<pending {
                    let leaf = k == 0 ? a : k == 1 ? b : k == 2 ? c : d
                    oobSum[lanes[k]] &+= Int64((Double(nodes[leaf].value) * oobScale).rounded())
                    oobCount[lanes[k]] &+= 1
                }
                pending = 0
            }
        }
    }
}
