// Scores of ragged pairs: each of N items pairs one row of `queries` with one row of
// `keys`, and scores it by their dot product. The lab's policy scores every legal
// action of a state this way: the state's query against the action text's key.

/// out[n] = scale * dot(queries[queryOf[n]], keys[keyOf[n]]).
public func gatheredDotForward(
    out: UnsafeMutablePointer<Float>,      // (N)
    queries: UnsafePointer<Float>,         // (B, C)
    keys: UnsafePointer<Float>,            // (U, C)
    queryOf: UnsafePointer<Int32>,         // (N), each in 0 ..< B
    keyOf: UnsafePointer<Int32>,           // (N), each in 0 ..< U
    count n: Int, channels c: Int, scale: Float
) {
    for i in 0..<n {
        let q = queries + Int(queryOf[i]) * c, k = keys + Int(keyOf[i]) * c
        var sum: Float = 0
        for j in 0..<c { sum += q[j] * k[j] }
        out[i] = scale * sum
    }
}

/// dqueries[queryOf[n]] += scale * dout[n] * keys[keyOf[n]]; dkeys[keyOf[n]] += scale * dout[n] * queries[queryOf[n]].
public func gatheredDotBackward(
    dqueries: UnsafeMutablePointer<Float>, // (B, C)
    dkeys: UnsafeMutablePointer<Float>,    // (U, C)
    dout: UnsafePointer<Float>,            // (N)
    queries: UnsafePointer<Float>,         // (B, C)
    keys: UnsafePointer<Float>,            // (U, C)
    queryOf: UnsafePointer<Int32>,         // (N)
    keyOf: UnsafePointer<Int32>,           // (N)
    count n: Int, channels c: Int, scale: Float
) {
    for i in 0..<n {
        let d = scale * dout[i]
        if d == 0 { continue }
        let qi = Int(queryOf[i]) * c, ki = Int(keyOf[i]) * c
        let q = queries + qi, k = keys + ki, dq = dqueries + qi, dk = dkeys + ki
        for j in 0..<c {
            dq[j] += d * k[j]
            dk[j] += d * q[j]
        }
    }
}
