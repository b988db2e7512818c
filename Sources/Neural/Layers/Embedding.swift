// Lookup tables: token embeddings (gather / scatter-add), learned positions, and
// the bag of per-position embeddings that the MLP family uses as its first layer.

/// out (N, C) = table[indices[n]] for each of N indices; table is (V, C).
public func embeddingForward(
    out: UnsafeMutablePointer<Float>,      // (N, C)
    indices: UnsafePointer<Int32>,         // (N)
    table: UnsafePointer<Float>,           // (V, C)
    count n: Int, channels c: Int
) {
    for i in 0..<n { (out + i * c).update(from: table + Int(indices[i]) * c, count: c) }
}

/// out (N, C) += table[indices[n]]: adds looked-up rows (learned positions given by id).
/// Its backward is `embeddingBackward`.
public func embeddingAddForward(
    out: UnsafeMutablePointer<Float>,      // (N, C)
    indices: UnsafePointer<Int32>,         // (N)
    table: UnsafePointer<Float>,           // (V, C)
    count n: Int, channels c: Int
) {
    for i in 0..<n {
        let o = out + i * c, row = table + Int(indices[i]) * c
        for j in 0..<c { o[j] += row[j] }
    }
}

/// dtable[indices[n]] += dout[n] (scatter-add; repeated indices accumulate).
public func embeddingBackward(
    dtable: UnsafeMutablePointer<Float>,   // (V, C)
    dout: UnsafePointer<Float>,            // (N, C)
    indices: UnsafePointer<Int32>,         // (N)
    count n: Int, channels c: Int
) {
    for i in 0..<n {
        let row = dtable + Int(indices[i]) * c
        let d = dout + i * c
        for j in 0..<c { row[j] += d[j] }
    }
}

/// out[b, t, :] += positions[t, :] for every sequence b.
public func positionEmbeddingForward(
    out: UnsafeMutablePointer<Float>,      // (B, T, C)
    positions: UnsafePointer<Float>,       // (T, C)
    batch b: Int, length t: Int, channels c: Int
) {
    for s in 0..<b {
        let o = out + s * t * c
        for i in 0..<(t * c) { o[i] += positions[i] }
    }
}

/// dpositions[t, :] += sum over b of dout[b, t, :].
public func positionEmbeddingBackward(
    dpositions: UnsafeMutablePointer<Float>, // (T, C)
    dout: UnsafePointer<Float>,              // (B, T, C)
    batch b: Int, length t: Int, channels c: Int
) {
    for s in 0..<b {
        let d = dout + s * t * c
        for i in 0..<(t * c) { dpositions[i] += d[i] }
    }
}

/// out[b] = sum over t of mask[b, t] * table[indices[b, t]].
///
/// With `indices[b, t] = t * V + token[b, t]` and a table of T*V rows this is a
/// linear layer applied to the one-hot encoding of the whole sequence, computed
/// in O(T*C) instead of O(T*V*C): the MLP family's first layer.
public func embeddingBagForward(
    out: UnsafeMutablePointer<Float>,      // (B, C)
    indices: UnsafePointer<Int32>,         // (B, T)
    mask: UnsafePointer<Float>,            // (B, T), 1 = token, 0 = padding
    table: UnsafePointer<Float>,           // (rows, C)
    batch b: Int, length t: Int, channels c: Int
) {
    out.update(repeating: 0, count: b * c)
    for s in 0..<b {
        let o = out + s * c
        for i in 0..<t {
            let w = mask[s * t + i]
            if w == 0 { continue }
            let row = table + Int(indices[s * t + i]) * c
            for j in 0..<c { o[j] += w * row[j] }
        }
    }
}

/// dtable[indices[b, t]] += mask[b, t] * dout[b].
public func embeddingBagBackward(
    dtable: UnsafeMutablePointer<Float>,   // (rows, C)
    dout: UnsafePointer<Float>,            // (B, C)
    indices: UnsafePointer<Int32>,         // (B, T)
    mask: UnsafePointer<Float>,            // (B, T)
    batch b: Int, length t: Int, channels c: Int
) {
    for s in 0..<b {
        let d = dout + s * c
        for i in 0..<t {
            let w = mask[s * t + i]
            if w == 0 { continue }
            let row = dtable + Int(indices[s * t + i]) * c
            for j in 0..<c { row[j] += w * d[j] }
        }
    }
}
