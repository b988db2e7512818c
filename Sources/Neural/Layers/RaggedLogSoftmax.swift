import FastMath
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// Log-softmax over ragged groups: state g scores its own legal actions, the
// entries offsets[g] ..< offsets[g + 1] of one flat logit vector. Entries outside
// every group (illegal actions) are simply not there, so this is the masked
// log-softmax of a policy whose action set changes from state to state.

/// logp[i] = logits[i] - log(sum over i's group of exp(logits)); offsets has G + 1 entries.
public func raggedLogSoftmaxForward(
    logp: UnsafeMutablePointer<Float>,     // (N)
    logits: UnsafePointer<Float>,          // (N)
    offsets: UnsafePointer<Int32>,         // (G + 1), offsets[0] == 0, offsets[G] == N
    groups g: Int
) {
    for group in 0..<g {
        let start = Int(offsets[group]), end = Int(offsets[group + 1])
        precondition(end > start, "group \(group) has no actions")
        var maxValue = -Float.infinity
        for i in start..<end { maxValue = max(maxValue, logits[i]) }
        var sum: Float = 0
        for i in start..<end { sum += fastExp(logits[i] - maxValue) }
        let logSum = maxValue + logf(sum)
        for i in start..<end { logp[i] = logits[i] - logSum }
    }
}

/// dlogits[i] += dlogp[i] - p[i] * sum over i's group of dlogp, with p = exp(logp).
public func raggedLogSoftmaxBackward(
    dlogits: UnsafeMutablePointer<Float>,  // (N)
    dlogp: UnsafePointer<Float>,           // (N)
    logp: UnsafePointer<Float>,            // (N)
    offsets: UnsafePointer<Int32>,         // (G + 1)
    groups g: Int
) {
    for group in 0..<g {
        let start = Int(offsets[group]), end = Int(offsets[group + 1])
        var total: Float = 0
        for i in start..<end { total += dlogp[i] }
        for i in start..<end { dlogits[i] += dlogp[i] - fastExp(logp[i]) * total }
    }
}
