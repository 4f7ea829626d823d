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
                let distinct = HistogramBuilder.buildSparse(samples: nodeSamples, count: count, codes: codes, featureCount: p,
                                                            feature: f, into: sparseCells, touched: touched)
                let constant = SplitFinder.scanSparse(sparseCells, touched: touched, distinct: distinct, valueBins: valueBins[f],
                                                      feature: f, total: task.total, minLeaf: minLeaf, best: &best)
                if constant { childKnown[f] = 1 } else { nonConstant += 1 }
            }
            return nonConstant
        }
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            (drawnCells + Int(offsets[f])).update(repeating: .zero, count: valueBins[f] + 1)
        }
        HistogramBuilder.buildDrawn(samples: nodeSamples, count: count, codes: codes, featureCount: p,
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
    func partition(_ task: Task, _ split: SplitCandidate) {
        let f = split.feature, bin = UInt8(split.bin), missingCode = UInt8(valueBins[f]), missingLeft = split.missingLeft
        var write = task.start, spilled = 0
        for i in task.start..<task.end {
            let s = samples[i]
            let code = codes[Int(s.row) &* p &+ f]
            if code <= bin || (missingLeft && code == missingCode) {
                samples[write] = s
                write &+= 1
            } else {
                scratch[spilled] = s
                spilled &+= 1
            }
        }
        (samples + write).update(from: scratch, count: spilled)
    }

    /// `partition`, adding the rows of one side (left when `buildLeft`) to the full histogram `cells`
    /// while their codes are in cache.
    func partitionBuilding(_ task: Task, _ split: SplitCandidate, buildLeft: Bool, into cells: UnsafeMutablePointer<HistogramCell>) {
        let f = split.feature, bin = UInt8(split.bin), missingCode = UInt8(valueBins[f]), missingLeft = split.missingLeft
        var write = task.start, spilled = 0
        let p = self.p, offsets = UnsafePointer(self.offsets)
        for i in task.start..<task.end {
            let s = samples[i]
            let rowCodes = codes + Int(s.row) &* p
            let code = rowCodes[f]
            let goLeft = code <= bin || (missingLeft && code == missingCode)
            if goLeft {
                samples[write] = s
                write &+= 1
            } else {
                scratch[spilled] = s
                spilled &+= 1
            }
            if goLeft == buildLeft {
                HistogramBuilder.addRow(rowCodes, featureCount: p, offsets: offsets,
                                        weightedTarget: Double(s.target) * Double(s.weight),
                                        packed: UInt64(s.weight) | (1 << 32), into: cells)
            }
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
    func accumulateOutOfBag(_ tree: DecisionTree) {
        var nodes = [CodedNode]()
        nodes.reserveCapacity(tree.nodeCount)
        for i in 0..<tree.nodeCount {
            let f = Int(tree.feature[i])
            // the grower appends both children together, so right = left + 1 holds here
            nodes.append(CodedNode(feature: tree.feature[i], left: tree.left[i], bin: tree.thresholdBin[i],
                                   missingCode: f >= 0 ? UInt8(valueBins[f]) : 0, missingLeft: tree.missingGoesLeft[i] != 0,
                                   value: tree.value[i]))
        }
        nodes.withUnsafeBufferPointer { nodes in
            let nodes = nodes.baseAddress!
            for r in 0..<n where counts[r] == 0 {
                let rowCodes = codes + r &* p
                var i = 0
                while nodes[i].feature >= 0 {
                    let node = nodes[i]
                    let c = rowCodes[Int(node.feature)]
                    let goLeft = c <= node.bin || (node.missingLeft && c == node.missingCode)
                    i = Int(node.left) &+ (goLeft ? 0 : 1)
                }
                oobSum[r] &+= Int64((Double(nodes[i].value) * oobScale).rounded())
                oobCount[r] &+= 1
            }
        }
    }
}
