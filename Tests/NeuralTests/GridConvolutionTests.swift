import Testing
@testable import Neural

/// The conv family's layers: the sparse 3x3 convolution against a plain dense convolution
/// written out loop by loop, the neighbour table, and both backwards against finite differences.
@Suite struct GridConvolutionTests {
    /// Two examples on a 3-line x 4-column grid. Example 0 holds cells 0, 1, 2, 5, 6 and 10
    /// (a ragged board), example 1 holds 0, 4 and 8 (a column), listed out of reading order.
    static let cellOf: [Int32] = [0, 1, 2, 5, 6, 10, 8, 0, 4]
    static let starts: [Int32] = [0, 6, 9]
    static let (lines, columns) = (3, 4)

    static func neighbourTable() -> [Int32] {
        var table = [Int32](repeating: 0, count: cellOf.count * 9)
        var scratch = [Int32](repeating: -1, count: lines * columns)
        gridNeighbours(neighbours: &table, cellOf: cellOf, starts: starts, scratch: &scratch,
                       batch: 2, cells: lines * columns, columns: columns)
        #expect(scratch.allSatisfy { $0 == -1 }, "the scratch table is left all -1")
        return table
    }

    @Test func neighboursAreTheCellsAroundEachCellOfTheSameExample() {
        let table = Self.neighbourTable()
        // Cell 5 (line 1, column 1) of example 0: above-left 0, above 1, above-right 2,
        // left 4 (empty), itself (row 3), right 6 (row 4), below 8, 9 (empty), 10 (row 5).
        #expect(Array(table[(3 * 9)..<(4 * 9)]) == [0, 1, 2, -1, 3, 4, -1, -1, 5])
        // Cell 0 of example 1 (row 7): off the grid above and left; below is cell 4 (row 8)
        // of its own example, not example 0's rows.
        #expect(Array(table[(7 * 9)..<(8 * 9)]) == [-1, -1, -1, -1, 7, -1, -1, 8, -1])
        // Cell 8 of example 1 (row 6) is on the bottom line... of a 3-line grid: line 2.
        #expect(Array(table[(6 * 9)..<(7 * 9)]) == [-1, 8, -1, -1, 6, -1, -1, -1, -1])
    }

    @Test func matchesADenseConvolutionWithZeroPadding() {
        let (c, oc) = (3, 2)
        let n = Self.cellOf.count
        let table = Self.neighbourTable()
        let x = randomValues(n * c, seed: 31), w = randomValues(9 * c * oc, seed: 32), bias = randomValues(oc, seed: 33)
        var out = [Float](repeating: 0, count: n * oc), cols = [Float](repeating: 0, count: n * 9 * c)
        gridConvolutionForward(out: &out, cols: &cols, inp: x, neighbours: table, weight: w, bias: bias,
                               rows: n, inChannels: c, outChannels: oc)
        // The same convolution on each example's dense grid: zeros where no cell is held.
        for s in 0..<2 {
            var grid = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: 0, count: c), count: Self.columns), count: Self.lines)
            for r in Int(Self.starts[s])..<Int(Self.starts[s + 1]) {
                let cell = Int(Self.cellOf[r])
                grid[cell / Self.columns][cell % Self.columns] = Array(x[(r * c)..<((r + 1) * c)])
            }
            for r in Int(Self.starts[s])..<Int(Self.starts[s + 1]) {
                let line = Int(Self.cellOf[r]) / Self.columns, column = Int(Self.cellOf[r]) % Self.columns
                for o in 0..<oc {
                    var expected = Double(bias[o])
                    for dl in -1...1 {
                        for dc in -1...1 {
                            let (l, k) = (line + dl, column + dc)
                            guard l >= 0, l < Self.lines, k >= 0, k < Self.columns else { continue }
                            let tap = (dl + 1) * 3 + (dc + 1)
                            for i in 0..<c { expected += Double(grid[l][k][i]) * Double(w[(tap * c + i) * oc + o]) }
                        }
                    }
                    #expect(abs(Double(out[r * oc + o]) - expected) < 1e-5, "row \(r) channel \(o)")
                }
            }
        }
    }

    @Test func convolutionGradient() {
        let (c, oc) = (3, 2)
        let n = Self.cellOf.count
        let table = Self.neighbourTable()
        let x = tensor(randomValues(n * c, seed: 34)), w = tensor(randomValues(9 * c * oc, seed: 35)), b = tensor(randomValues(oc, seed: 36))
        let proj = randomValues(n * oc, seed: 37)
        let out = zeros(n * oc), cols = zeros(n * 9 * c)
        func loss() -> Double {
            gridConvolutionForward(out: out.pointer, cols: cols.pointer, inp: x.pointer, neighbours: table, weight: w.pointer,
                                   bias: b.pointer, rows: n, inChannels: c, outChannels: oc)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dx = zeros(n * c), dw = zeros(9 * c * oc), db = zeros(oc), dcols = zeros(n * 9 * c)
        gridConvolutionBackward(dinp: dx.pointer, dweight: dw.pointer, dbias: db.pointer, dcols: dcols.pointer, dout: tensor(proj).pointer,
                                cols: cols.pointer, neighbours: table, weight: w.pointer, rows: n, inChannels: c, outChannels: oc)
        checkGradient("x", values: x.pointer, analytic: dx.array(), loss: loss)
        checkGradient("w", values: w.pointer, analytic: dw.array(), loss: loss)
        checkGradient("b", values: b.pointer, analytic: db.array(), loss: loss)
    }

    @Test func meanMaxPoolingByHandAndGradient() {
        let c = 2
        // Example 0: rows 0-2, example 1: row 3.
        let starts: [Int32] = [0, 3, 4]
        let x = tensor([1, -2, 3, 5, -1, 0, 7, 8])
        let out = zeros(2 * 2 * c)
        var argmax = [Int32](repeating: 0, count: 2 * c)
        segmentMeanMaxPoolForward(out: out.pointer, argmax: &argmax, inp: x.pointer, starts: starts, batch: 2, channels: c)
        #expect(out.array() == [1, 1, 3, 5, 7, 8, 7, 8])
        #expect(argmax == [1, 1, 3, 3])
        let proj = randomValues(2 * 2 * c, seed: 38)
        func loss() -> Double {
            segmentMeanMaxPoolForward(out: out.pointer, argmax: &argmax, inp: x.pointer, starts: starts, batch: 2, channels: c)
            return projected(out.pointer, proj)
        }
        let dx = zeros(4 * c)
        segmentMeanMaxPoolBackward(din: dx.pointer, dout: tensor(proj).pointer, argmax: argmax, starts: starts, batch: 2, channels: c)
        // Step 0.1: the maxima lead by at least 2, so no step changes which row is largest.
        checkGradient("x", values: x.pointer, analytic: dx.array(), step: 0.1, loss: loss)
    }
}
