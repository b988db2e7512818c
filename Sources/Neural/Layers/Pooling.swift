// Masked mean pooling over a sequence: the encoder's per-token vectors become one
// vector per state, padding excluded.

/// out[b] = sum over t of mask[b, t] * inp[b, t] / sum over t of mask[b, t]
public func maskedMeanPoolForward(
    out: UnsafeMutablePointer<Float>,      // (B, C)
    inp: UnsafePointer<Float>,             // (B, T, C)
    mask: UnsafePointer<Float>,            // (B, T)
    batch b: Int, length t: Int, channels c: Int
) {
    out.update(repeating: 0, count: b * c)
    for s in 0..<b {
        var total: Float = 0
        for i in 0..<t { total += mask[s * t + i] }
        precondition(total > 0, "mean pooling over a sequence with no unmasked position")
        let o = out + s * c
        for i in 0..<t {
            let w = mask[s * t + i] / total
            if w == 0 { continue }
            let x = inp + (s * t + i) * c
            for j in 0..<c { o[j] += w * x[j] }
        }
    }
}

/// din[b, t] += mask[b, t] / sum(mask[b]) * dout[b]
public func maskedMeanPoolBackward(
    din: UnsafeMutablePointer<Float>,      // (B, T, C)
    dout: UnsafePointer<Float>,            // (B, C)
    mask: UnsafePointer<Float>,            // (B, T)
    batch b: Int, length t: Int, channels c: Int
) {
    for s in 0..<b {
        var total: Float = 0
        for i in 0..<t { total += mask[s * t + i] }
        let d = dout + s * c
        for i in 0..<t {
            let w = mask[s * t + i] / total
            if w == 0 { continue }
            let dx = din + (s * t + i) * c
            for j in 0..<c { dx[j] += w * d[j] }
        }
    }
}
