import FastMath
import CBLAS
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// Multi-head scaled dot-product self-attention with a key padding mask.
// The input is the output of one linear layer producing queries, keys and values
// side by side for every token; each head is handled by three small sgemm calls
// that read its slice in place through the leading dimension (3C).

/// out (B, T, C) = for each head h: softmax(Q_h K_h^T / sqrt(hs) + mask) V_h, heads side by side.
/// Writes the attention probabilities `att` (B, NH, T, T), which backward needs.
/// Keys with mask 0 get probability 0; every sequence needs at least one unmasked key.
public func attentionForward(
    out: UnsafeMutablePointer<Float>,      // (B, T, C)
    att: UnsafeMutablePointer<Float>,      // (B, NH, T, T)
    qkv: UnsafePointer<Float>,             // (B, T, 3C): q | k | v
    mask: UnsafePointer<Float>,            // (B, T), 1 = token, 0 = padding
    batch b: Int, length t: Int, channels c: Int, heads nh: Int
) {
    precondition(c % nh == 0, "channels must divide into heads")
    let hs = c / nh
    let scale = 1 / Float(hs).squareRoot()
    let ld = Int32(3 * c)
    for s in 0..<b {
        let m = mask + s * t
        for h in 0..<nh {
            let q = qkv + s * t * 3 * c + h * hs
            let k = q + c
            let v = q + 2 * c
            let a = att + (s * nh + h) * t * t
            // a (T, T) = scale * q (T, hs) · k (T, hs)^T
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(hs),
                        scale, q, ld, k, ld, 0, a, Int32(t))
            for i in 0..<t { maskedSoftmaxRow(a + i * t, mask: m, count: t) }
            // out (T, hs) = a (T, T) · v (T, hs)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                        1, a, Int32(t), v, ld, 0, out + s * t * c + h * hs, Int32(c))
        }
    }
}

/// Adds the gradient of `attentionForward` into dqkv. `scratch` holds T*T floats.
public func attentionBackward(
    dqkv: UnsafeMutablePointer<Float>,     // (B, T, 3C)
    scratch: UnsafeMutablePointer<Float>,  // (T, T)
    dout: UnsafePointer<Float>,            // (B, T, C)
    qkv: UnsafePointer<Float>,             // (B, T, 3C)
    att: UnsafePointer<Float>,             // (B, NH, T, T)
    batch b: Int, length t: Int, channels c: Int, heads nh: Int
) {
    let hs = c / nh
    let scale = 1 / Float(hs).squareRoot()
    let ld = Int32(3 * c)
    let (ti, hsi) = (Int32(t), Int32(hs))
    for s in 0..<b {
        for h in 0..<nh {
            let q = qkv + s * t * 3 * c + h * hs, k = q + c, v = q + 2 * c
            let dq = dqkv + s * t * 3 * c + h * hs, dk = dq + c, dv = dq + 2 * c
            let a = att + (s * nh + h) * t * t
            let d = dout + s * t * c + h * hs
            // datt (T, T) = d (T, hs) · v^T
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ti, ti, hsi, 1, d, Int32(c), v, ld, 0, scratch, ti)
            // dv (T, hs) += a^T · d
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ti, hsi, ti, 1, a, ti, d, Int32(c), 1, dv, ld)
            // softmax backward in place: dpre = a * (datt - rowsum(a * datt))
            for i in 0..<t {
                let ar = a + i * t, dr = scratch + i * t
                var dot: Float = 0
                for j in 0..<t { dot += ar[j] * dr[j] }
                for j in 0..<t { dr[j] = ar[j] * (dr[j] - dot) }
            }
            // dq += scale * dpre · k ; dk += scale * dpre^T · q
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ti, hsi, ti, scale, scratch, ti, k, ld, 1, dq, ld)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ti, hsi, ti, scale, scratch, ti, q, ld, 1, dk, ld)
        }
    }
}

/// Softmax of one row in place, with keys where mask == 0 set to probability 0.
/// The mask is 0 or 1, so multiplying by it zeroes padded keys without a branch,
/// which keeps the exponential loop vectorisable.
@inline(__always)
private func maskedSoftmaxRow(_ row: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count t: Int) {
    var maxValue = -Float.infinity
    for j in 0..<t where mask[j] != 0 { maxValue = max(maxValue, row[j]) }
    precondition(maxValue > -Float.infinity, "attention over a sequence with no unmasked key")
    for j in 0..<t { row[j] = fastExp(row[j] - maxValue) * mask[j] }
    var sum: Float = 0
    for j in 0..<t { sum += row[j] }
    let inv = 1 / sum
    for j in 0..<t { row[j] *= inv }
}
