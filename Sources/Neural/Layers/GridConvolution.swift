import CBLAS
import FastMath

// A 3x3 convolution over the cells of a character grid that hold a character, and the
// pooling that turns its per-cell features into one vector per example.
//
// The N rows are the real tokens of a batch, example after example; row r sits at a cell
// (line, column) of its example's grid. `neighbours` (N, 9) gives, for each row and each
// offset (dl, dc) in reading order (-1,-1), (-1,0), ..., (1,1), the row at the neighbouring
// cell of the same example, or -1 where that cell is off the grid or holds no character
// (its input counts as zeros, like a convolution's zero padding). Outputs are computed at
// character cells only, so a 3x3 board costs 9 rows whatever the grid's size.
//
// The product is an im2col gather followed by one sgemm:
//
//     cols[r, k * C + c] = inp[neighbours[r, k], c]  (0 if -1)     (N, 9C)
//     out = cols · weight + bias                                    (N, OC)

/// The (N, 9) neighbour table of N cells: `cellOf[r]` is row r's cell `line * columns + column`,
/// rows `starts[s] ..< starts[s + 1]` belong to example s, and an example holds each cell
/// at most once. `scratch` must hold `cells` values, all -1; it is left that way.
public func gridNeighbours(
    neighbours: UnsafeMutablePointer<Int32>,  // (N, 9)
    cellOf: UnsafePointer<Int32>,             // (N)
    starts: UnsafePointer<Int32>,             // (B + 1)
    scratch: UnsafeMutablePointer<Int32>,     // (cells), all -1
    batch b: Int, cells: Int, columns: Int
) {
    let lines = cells / columns
    for s in 0..<b {
        let first = Int(starts[s]), end = Int(starts[s + 1])
        for r in first..<end {
            precondition(scratch[Int(cellOf[r])] < 0, "example \(s) holds cell \(cellOf[r]) twice")
            scratch[Int(cellOf[r])] = Int32(r)
        }
        for r in first..<end {
            let line = Int(cellOf[r]) / columns, column = Int(cellOf[r]) % columns
            var k = 0
            for dl in -1...1 {
                for dc in -1...1 {
                    let l = line + dl, c = column + dc
                    neighbours[r * 9 + k] = l >= 0 && l < lines && c >= 0 && c < columns ? scratch[l * columns + c] : -1
                    k += 1
                }
            }
        }
        for r in first..<end { scratch[Int(cellOf[r])] = -1 }
    }
}

/// out (N, OC) = im2col(inp) (N, 9C) · weight (9C, OC) + bias (OC); `cols` receives the
/// gathered (N, 9C) inputs, which backward reads.
public func gridConvolutionForward(
    out: UnsafeMutablePointer<Float>,         // (N, OC)
    cols: UnsafeMutablePointer<Float>,        // (N, 9C) written
    inp: UnsafePointer<Float>,                // (N, C)
    neighbours: UnsafePointer<Int32>,         // (N, 9)
    weight: UnsafePointer<Float>,             // (9C, OC)
    bias: UnsafePointer<Float>,               // (OC)
    rows n: Int, inChannels c: Int, outChannels oc: Int
) {
    for r in 0..<n {
        for k in 0..<9 {
            let target = cols + (r * 9 + k) * c, source = Int(neighbours[r * 9 + k])
            if source < 0 { target.update(repeating: 0, count: c) } else { target.update(from: inp + source * c, count: c) }
        }
    }
    linearForward(out: out, inp: cols, weight: weight, bias: bias, rows: n, inFeatures: 9 * c, outFeatures: oc)
}

/// Adds the gradients of `gridConvolutionForward` into dinp (if given), dweight and dbias;
/// `dcols` (N, 9C) is scratch.
///
/// dinp is a gather, not a scatter: row s is tap k of row r exactly when r is tap 8 - k
/// of s (the opposite offset), so dinp[s] = sum over k of dcols[neighbours[s, 8 - k], k],
/// which writes each row once and needs no zeroed buffer of column gradients.
public func gridConvolutionBackward(
    dinp: UnsafeMutablePointer<Float>?,       // (N, C)   += the taps' share of dout · weightᵀ
    dweight: UnsafeMutablePointer<Float>,     // (9C, OC) += colsᵀ · dout
    dbias: UnsafeMutablePointer<Float>,       // (OC)     += sum over rows of dout
    dcols: UnsafeMutablePointer<Float>,       // (N, 9C)  scratch
    dout: UnsafePointer<Float>,               // (N, OC)
    cols: UnsafePointer<Float>,               // (N, 9C) from forward
    neighbours: UnsafePointer<Int32>,         // (N, 9)
    weight: UnsafePointer<Float>,             // (9C, OC)
    rows n: Int, inChannels c: Int, outChannels oc: Int
) {
    linearBackward(dinp: nil, dweight: dweight, dbias: dbias, dout: dout, inp: cols, weight: weight,
                   rows: n, inFeatures: 9 * c, outFeatures: oc)
    guard let dinp else { return }
    // dcols = dout · weightᵀ, written (beta 0), then gathered tap by tap.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(9 * c), Int32(oc),
                1, dout, Int32(oc), weight, Int32(oc), 0, dcols, Int32(9 * c))
    for s in 0..<n {
        let target = dinp + s * c
        for k in 0..<9 {
            let r = Int(neighbours[s * 9 + (8 - k)])
            if r < 0 { continue }
            let d = dcols + (r * 9 + k) * c
            simdAxpy(c, 1, d, target)
        }
    }
}

/// Per example s, over its rows `starts[s] ..< starts[s + 1]` (at least one):
/// out[s, 0 ..< C] = the mean of the rows, out[s, C ..< 2C] = their maximum per channel;
/// `argmax` (B, C) records which row gave each maximum (the first, on ties).
public func segmentMeanMaxPoolForward(
    out: UnsafeMutablePointer<Float>,         // (B, 2C)
    argmax: UnsafeMutablePointer<Int32>,      // (B, C) written
    inp: UnsafePointer<Float>,                // (N, C)
    starts: UnsafePointer<Int32>,             // (B + 1)
    batch b: Int, channels c: Int
) {
    for s in 0..<b {
        let first = Int(starts[s]), end = Int(starts[s + 1])
        precondition(end > first, "pooling over an example with no rows")
        let mean = out + s * 2 * c, maximum = mean + c, index = argmax + s * c
        mean.update(from: inp + first * c, count: c)
        maximum.update(from: inp + first * c, count: c)
        index.update(repeating: Int32(first), count: c)
        for r in (first + 1)..<end {
            let x = inp + r * c
            for j in 0..<c {
                mean[j] += x[j]
                if x[j] > maximum[j] { maximum[j] = x[j]; index[j] = Int32(r) }
            }
        }
        let scale = 1 / Float(end - first)
        for j in 0..<c { mean[j] *= scale }
    }
}

/// din += the gradient of `segmentMeanMaxPoolForward`: each row gets dout's mean part over
/// the example's row count, and the row that gave a maximum gets that channel's max part.
public func segmentMeanMaxPoolBackward(
    din: UnsafeMutablePointer<Float>,         // (N, C)
    dout: UnsafePointer<Float>,               // (B, 2C)
    argmax: UnsafePointer<Int32>,             // (B, C)
    starts: UnsafePointer<Int32>,             // (B + 1)
    batch b: Int, channels c: Int
) {
    for s in 0..<b {
        let first = Int(starts[s]), end = Int(starts[s + 1])
        let dmean = dout + s * 2 * c, dmax = dmean + c, index = argmax + s * c
        let scale = 1 / Float(end - first)
        for r in first..<end {
            let d = din + r * c
            simdAxpy(c, scale, dmean, d)
        }
        for j in 0..<c { din[Int(index[j]) * c + j] += dmax[j] }
    }
}
