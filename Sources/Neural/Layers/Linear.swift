import CBLAS

// A fully connected layer, y = x W^T + b, on OpenBLAS's sgemm.
// The weight is stored (out, in) like PyTorch, so a row of W is one output unit.

/// out (N, OC) = inp (N, C) · weight (OC, C)^T + bias (OC)
public func linearForward(
    out: UnsafeMutablePointer<Float>,      // (N, OC)
    inp: UnsafePointer<Float>,             // (N, C)
    weight: UnsafePointer<Float>,          // (OC, C)
    bias: UnsafePointer<Float>?,           // (OC) or nil
    rows n: Int, inFeatures c: Int, outFeatures oc: Int
) {
    var beta: Float = 0
    if let bias {
        for row in 0..<n { (out + row * oc).update(from: bias, count: oc) }
        beta = 1
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(oc), Int32(c),
                1, inp, Int32(c), weight, Int32(c), beta, out, Int32(oc))
}

/// Adds the gradients of `linearForward` into dinp, dweight and dbias.
/// Pass nil for `dinp` when the input needs no gradient (the model's first layer on data).
public func linearBackward(
    dinp: UnsafeMutablePointer<Float>?,    // (N, C)   += dout · W
    dweight: UnsafeMutablePointer<Float>,  // (OC, C)  += dout^T · inp
    dbias: UnsafeMutablePointer<Float>?,   // (OC)     += sum over rows of dout
    dout: UnsafePointer<Float>,            // (N, OC)
    inp: UnsafePointer<Float>,             // (N, C)
    weight: UnsafePointer<Float>,          // (OC, C)
    rows n: Int, inFeatures c: Int, outFeatures oc: Int
) {
    if let dinp {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(c), Int32(oc),
                    1, dout, Int32(oc), weight, Int32(c), 1, dinp, Int32(c))
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(oc), Int32(c), Int32(n),
                1, dout, Int32(oc), inp, Int32(c), 1, dweight, Int32(c))
    if let dbias {
        for row in 0..<n {
            let d = dout + row * oc
            for o in 0..<oc { dbias[o] += d[o] }
        }
    }
}
