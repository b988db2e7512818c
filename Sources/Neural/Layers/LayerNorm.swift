// Layer normalisation over the last axis: y = (x - mean) / sqrt(var + eps) * gain + offset.
// Forward saves each row's mean and reciprocal standard deviation for backward.

/// The epsilon inside the square root, as in PyTorch's default.
public let layerNormEpsilon: Float = 1e-5

/// out (N, C) = layer norm of each row of inp (N, C); writes mean (N) and rstd (N).
public func layerNormForward(
    out: UnsafeMutablePointer<Float>,      // (N, C)
    mean: UnsafeMutablePointer<Float>,     // (N)
    rstd: UnsafeMutablePointer<Float>,     // (N)
    inp: UnsafePointer<Float>,             // (N, C)
    gain: UnsafePointer<Float>,            // (C)
    offset: UnsafePointer<Float>,          // (C)
    rows n: Int, channels c: Int
) {
    for row in 0..<n {
        let x = inp + row * c
        var sum: Float = 0
        for i in 0..<c { sum += x[i] }
        let m = sum / Float(c)
        var variance: Float = 0
        for i in 0..<c { let d = x[i] - m; variance += d * d }
        let s = 1 / (variance / Float(c) + layerNormEpsilon).squareRoot()
        let y = out + row * c
        for i in 0..<c { y[i] = (x[i] - m) * s * gain[i] + offset[i] }
        mean[row] = m
        rstd[row] = s
    }
}

/// Adds the gradients of `layerNormForward` into dinp, dgain and doffset.
public func layerNormBackward(
    dinp: UnsafeMutablePointer<Float>,     // (N, C)
    dgain: UnsafeMutablePointer<Float>,    // (C)
    doffset: UnsafeMutablePointer<Float>,  // (C)
    dout: UnsafePointer<Float>,            // (N, C)
    inp: UnsafePointer<Float>,             // (N, C)
    gain: UnsafePointer<Float>,            // (C)
    mean: UnsafePointer<Float>,            // (N)
    rstd: UnsafePointer<Float>,            // (N)
    rows n: Int, channels c: Int
) {
    for row in 0..<n {
        let x = inp + row * c, d = dout + row * c, dx = dinp + row * c
        let m = mean[row], s = rstd[row]
        // dnorm = dout * gain; dx = s * (dnorm - mean(dnorm) - norm * mean(dnorm * norm))
        var meanD: Float = 0, meanDN: Float = 0
        for i in 0..<c {
            let norm = (x[i] - m) * s
            let dnorm = d[i] * gain[i]
            meanD += dnorm
            meanDN += dnorm * norm
            doffset[i] += d[i]
            dgain[i] += norm * d[i]
        }
        meanD /= Float(c)
        meanDN /= Float(c)
        for i in 0..<c {
            let norm = (x[i] - m) * s
            dx[i] += s * (d[i] * gain[i] - meanD - norm * meanDN)
        }
    }
}
