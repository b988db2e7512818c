import FastMath

/// Glimpses: each of K learned heads picks a character, finds where it is on the
/// character grid, and reports that place and the 3x3 window of characters around it, as
/// features added to the MLP's first layer. Off unless `ModelConfig.glimpses` is set.
///
/// Why: the MLP's first layer gives every (position, character) pair its own weights, so
/// "the agent has a wall above it" or "the goal is to the agent's right" must be learned
/// separately for every cell the agent can stand on, and procedurally generated levels
/// rarely repeat one (README, "The conv family on the tasks"). Grid-world agents are
/// usually given an egocentric view for that reason (MiniGrid's partial 7x7 view centred
/// on the agent; Chevalier-Boisvert et al., "Minimalistic Gridworld Environment", 2018).
/// A glimpse is that view, learned rather than given: a head whose saliency favours `@`
/// sees the agent's neighbourhood the same way wherever the agent stands, and the
/// difference of two heads' places ("where is `G` relative to `@`") is a linear feature.
/// Nothing in it belongs to a game: a head scores characters, not games, and a game that
/// has no use for a head's character still gets the (uninformative) features.
///
/// For one observation, with C the distinct characters present and n_c how often c occurs:
///
///     alpha_c = softmax over c in C of (4 S[c, k])                        head k
///     w_t = alpha_{c_t} / n_{c_t}                                         each token t (weights sum to 1)
///     place_k = sum_t w_t (line_t, column_t) / 8                          (2)
///     M_k[o, c] = sum_t w_t [the character at t's cell + o is c]          o in the 3x3 offsets
///     window_k[o] = sum_c M_k[o, c] E''[c]                                (9, D)
///     pre0 += [place_k, window_k for k = 1 ... K] Wg                      (K (2 + 9 D), H)
///
/// A head attends to characters, not cells: its weight on a character is shared equally
/// by that character's cells, so a character that occurs once (the agent, the goal, a
/// key) gets its whole weight at one cell, and a head that settles on it reads that
/// cell's window exactly. Each character starts with weight 1/C (S starts within +-0.25)
/// rather than 1/(number of cells), so a rare character's window is visible from the
/// start. The factor 4 lets Adam's steps (about the learning rate each) move the
/// saliency four times faster. Cells outside the grid or without a character count as
/// nothing (a zero window entry).
///
/// Cost: per observation, K x tokens x 9 scalar additions for M and K x 9 x C additions of
/// D-vectors for the windows, then one matrix product for the batch.
final class Glimpses {
    let config: ModelConfig
    /// The window's offsets (line, column), row by row: a 3x3 window.
    static let offsets: [(line: Int, column: Int)] = (-1...1).flatMap { l in (-1...1).map { (line: l, column: $0) } }
    static let saliencyScale: Float = 4
    static let placeScale: Float = 1.0 / 8
    let heads: Int
    private let columns: Int, lines: Int
    private let embedding: ParameterView      // (V, D)
    private let saliency: ParameterView       // (V, K)
    private let projection: ParameterView     // (K (2 + 9 D), H)
    var channels: Int { config.embeddingWidth }
    /// Features per head: its place (2) and its window (9 D).
    var featuresPerHead: Int { 2 + Self.offsets.count * channels }

    // Saved by forward for backward.
    private var batch = 0
    private var tokenStarts: [Int32] = []     // (B + 1)
    private var charStarts: [Int32] = []      // (B + 1): example s's distinct characters are chars[charStarts[s] ..< charStarts[s + 1]]
    private var chars: [Int32] = []           // each example's distinct characters (token ids), in order of first occurrence
    private var charCounts: [Float] = []      // how often each occurs in its example
    private var tokenChar: [Int32] = []       // (tokens): the index in `chars` of each token's character
    private var tokenPlace: [Float] = []      // (tokens, 2): line and column, scaled
    private var neighbours: [Int32] = []      // (tokens, 9): the index in `chars` of the character at each offset, or -1
    private var alphas: [Float] = []          // (chars, K)
    private var windows: [Float] = []         // M: example s, head k, offset o, local character c at
                                              // K 9 charStarts[s] + (k 9 + o) C_s + c
    private var cellChar: [Int32] = []        // (maxLength) scratch, all -1 between calls
    private var localIndex: [Int32] = []      // (V) scratch, all -1 between calls
    private let featureRows = FloatBuffer()   // (B, K (2 + 9 D))
    private let dFeatures = FloatBuffer()     // (B, K (2 + 9 D)) scratch

    init(config: ModelConfig, layout: inout ParameterLayout) {
        guard let columns = config.gridColumns, let heads = config.glimpses, heads > 0 else {
            preconditionFailure("glimpses need the grid's columns and a head count (ModelConfig.gridColumns, .glimpses)")
        }
        self.config = config
        self.heads = heads
        self.columns = columns
        lines = config.maxLength / columns
        let d = config.embeddingWidth, f = heads * (2 + Self.offsets.count * d)
        embedding = layout.add("glimpse.token_embedding", shape: [config.vocabularySize, d], initializer: .uniform(bound: 1), decays: false)
        saliency = layout.add("glimpse.saliency", shape: [config.vocabularySize, heads], initializer: .uniform(bound: 0.25), decays: false)
        projection = layout.add("glimpse.projection.weight", shape: [f, config.width], initializer: .uniform(bound: 1 / Float(f).squareRoot()),
                                decays: true)
    }

    /// Adds the glimpses of `input`, projected, into `pre0` (B, H).
    func forward(_ input: TokenBatch, store: ParameterStore, addingInto pre0: UnsafeMutablePointer<Float>) {
        collect(input)
        let p = store.parameters, d = channels, k = heads, o9 = Self.offsets.count, per = featuresPerHead
        let f = reserved(featureRows, batch * k * per)
        f.update(repeating: 0, count: batch * k * per)
        alphas = [Float](repeating: 0, count: chars.count * k)
        windows = [Float](repeating: 0, count: chars.count * k * o9)
        let table = p + embedding.offset, scores = p + saliency.offset
        tokenStarts.withUnsafeBufferPointer { tokenStarts in
        charStarts.withUnsafeBufferPointer { charStarts in
        chars.withUnsafeBufferPointer { chars in
        charCounts.withUnsafeBufferPointer { counts in
        tokenChar.withUnsafeBufferPointer { tokenChar in
        tokenPlace.withUnsafeBufferPointer { place in
        neighbours.withUnsafeBufferPointer { neighbours in
        alphas.withUnsafeMutableBufferPointer { alphas in
        windows.withUnsafeMutableBufferPointer { windows in
            for s in 0..<batch {
                let c0 = Int(charStarts[s]), cs = Int(charStarts[s + 1]) - c0
                for head in 0..<k {
                    // Softmax over the example's characters.
                    var largest = -Float.infinity
                    for c in 0..<cs { largest = max(largest, Self.saliencyScale * scores[Int(chars[c0 + c]) * k + head]) }
                    var total: Float = 0
                    for c in 0..<cs {
                        let e = fastExp(Self.saliencyScale * scores[Int(chars[c0 + c]) * k + head] - largest)
                        alphas[(c0 + c) * k + head] = e
                        total += e
                    }
                    for c in 0..<cs { alphas[(c0 + c) * k + head] /= total }
                    let out = f + (s * k + head) * per
                    let m = windows.baseAddress! + k * o9 * c0 + head * o9 * cs
                    for t in Int(tokenStarts[s])..<Int(tokenStarts[s + 1]) {
                        let c = Int(tokenChar[t])
                        let w = alphas[c * k + head] / counts[c]
                        out[0] += w * place[2 * t]
                        out[1] += w * place[2 * t + 1]
                        for o in 0..<o9 {
                            let n = Int(neighbours[t * o9 + o])
                            if n >= 0 { m[o * cs + n - c0] += w }
                        }
                    }
                    for o in 0..<o9 {
                        let window = out + 2 + o * d
                        for c in 0..<cs where m[o * cs + c] != 0 {
                            let weight = m[o * cs + c], row = table + Int(chars[c0 + c]) * d
                            for i in 0..<d { window[i] += weight * row[i] }
                        }
                    }
                }
            }
        }}}}}}}}}
        linearAddForward(out: pre0, inp: f, weight: p + projection.offset, rows: batch, inFeatures: k * per, outFeatures: config.width)
    }

    /// Backpropagates dPre0 (B, H), the gradient of the MLP's first pre-activation, through
    /// the last forward, adding into `store.gradients`.
    func backward(dPre0: UnsafePointer<Float>, store: ParameterStore) {
        let p = store.parameters, g = store.gradients, d = channels, k = heads, o9 = Self.offsets.count, per = featuresPerHead
        let df = reserved(dFeatures, batch * k * per)
        df.update(repeating: 0, count: batch * k * per)
        linearBackward(dinp: df, dweight: g + projection.offset, dbias: nil, dout: dPre0, inp: featureRows.pointer,
                       weight: p + projection.offset, rows: batch, inFeatures: k * per, outFeatures: config.width)
        let table = p + embedding.offset, dTable = g + embedding.offset, dScores = g + saliency.offset
        let widest = zip(charStarts.dropFirst(), charStarts).map { Int($0 - $1) }.max() ?? 0
        var dWindow = [Float](repeating: 0, count: o9 * widest), dAlpha = [Float](repeating: 0, count: widest)
        tokenStarts.withUnsafeBufferPointer { tokenStarts in
        charStarts.withUnsafeBufferPointer { charStarts in
        chars.withUnsafeBufferPointer { chars in
        charCounts.withUnsafeBufferPointer { counts in
        tokenChar.withUnsafeBufferPointer { tokenChar in
        tokenPlace.withUnsafeBufferPointer { place in
        neighbours.withUnsafeBufferPointer { neighbours in
        alphas.withUnsafeBufferPointer { alphas in
        windows.withUnsafeBufferPointer { windows in
        dWindow.withUnsafeMutableBufferPointer { dM in
        dAlpha.withUnsafeMutableBufferPointer { dAlpha in
            for s in 0..<batch {
                let c0 = Int(charStarts[s]), cs = Int(charStarts[s + 1]) - c0
                for head in 0..<k {
                    let dOut = df + (s * k + head) * per
                    let m = windows.baseAddress! + k * o9 * c0 + head * o9 * cs
                    // window[o] = sum_c M[o, c] E''[c]: gradients for E'' and for M.
                    for o in 0..<o9 {
                        let dw = dOut + 2 + o * d
                        for c in 0..<cs {
                            let row = Int(chars[c0 + c]) * d, weight = m[o * cs + c]
                            var dot: Float = 0
                            for i in 0..<d {
                                dot += table[row + i] * dw[i]
                                dTable[row + i] += weight * dw[i]
                            }
                            dM[o * cs + c] = dot
                        }
                    }
                    // Each token's weight reaches its place and the windows it is counted in.
                    for c in 0..<cs { dAlpha[c] = 0 }
                    for t in Int(tokenStarts[s])..<Int(tokenStarts[s + 1]) {
                        var dw = dOut[0] * place[2 * t] + dOut[1] * place[2 * t + 1]
                        for o in 0..<o9 {
                            let n = Int(neighbours[t * o9 + o])
                            if n >= 0 { dw += dM[o * cs + n - c0] }
                        }
                        let c = Int(tokenChar[t])
                        dAlpha[c - c0] += dw / counts[c]
                    }
                    // Through the softmax to the saliency.
                    var mean: Float = 0
                    for c in 0..<cs { mean += alphas[(c0 + c) * k + head] * dAlpha[c] }
                    for c in 0..<cs {
                        let a = alphas[(c0 + c) * k + head]
                        dScores[Int(chars[c0 + c]) * k + head] += Self.saliencyScale * a * (dAlpha[c] - mean)
                    }
                }
            }
        }}}}}}}}}}}
    }

    /// Example `example`'s features of the last forward: per head its place (2) and window (9 D).
    func features(example: Int) -> [Float] {
        let count = heads * featuresPerHead
        return Array(UnsafeBufferPointer(start: featureRows.pointer + example * count, count: count))
    }

    /// The weight each head gives each character of `input`'s example `example` in the last
    /// forward: (character token, per-head weights) in order of first occurrence.
    func attention(example: Int) -> [(token: Int32, weights: [Float])] {
        (Int(charStarts[example])..<Int(charStarts[example + 1])).map { c in
            (chars[c], (0..<heads).map { alphas[c * heads + $0] })
        }
    }

    /// Reads `input`'s tokens: each example's distinct characters and their counts, each
    /// token's character, place and neighbours.
    private func collect(_ input: TokenBatch) {
        batch = input.batch
        tokenStarts.removeAll(keepingCapacity: true)
        charStarts.removeAll(keepingCapacity: true)
        chars.removeAll(keepingCapacity: true)
        charCounts.removeAll(keepingCapacity: true)
        tokenChar.removeAll(keepingCapacity: true)
        tokenPlace.removeAll(keepingCapacity: true)
        neighbours.removeAll(keepingCapacity: true)
        if cellChar.count != config.maxLength { cellChar = [Int32](repeating: -1, count: config.maxLength) }
        if localIndex.count != config.vocabularySize { localIndex = [Int32](repeating: -1, count: config.vocabularySize) }
        var cells: [Int] = []
        for s in 0..<batch {
            tokenStarts.append(Int32(tokenChar.count))
            charStarts.append(Int32(chars.count))
            cells.removeAll(keepingCapacity: true)
            for t in 0..<input.length where input.mask[s * input.length + t] != 0 {
                let token = Int(input.tokens[s * input.length + t]), cell = input.position(s, t)
                precondition(token >= 0 && token < config.vocabularySize, "token \(token) outside the vocabulary of \(config.vocabularySize)")
                precondition(cell >= 0 && cell < config.maxLength, "position \(cell) outside the model's \(config.maxLength)")
                if localIndex[token] < 0 {
                    localIndex[token] = Int32(chars.count)
                    chars.append(Int32(token))
                    charCounts.append(0)
                }
                let c = localIndex[token]
                charCounts[Int(c)] += 1
                tokenChar.append(c)
                tokenPlace.append(Float(cell / columns) * Self.placeScale)
                tokenPlace.append(Float(cell % columns) * Self.placeScale)
                cellChar[cell] = c
                cells.append(cell)
            }
            for cell in cells {
                let line = cell / columns, column = cell % columns
                for offset in Self.offsets {
                    let l = line + offset.line, c = column + offset.column
                    neighbours.append(l >= 0 && l < lines && c >= 0 && c < columns ? cellChar[l * columns + c] : -1)
                }
            }
            for cell in cells { cellChar[cell] = -1 }
            for c in Int(charStarts[s])..<chars.count { localIndex[Int(chars[c])] = -1 }
        }
        tokenStarts.append(Int32(tokenChar.count))
        charStarts.append(Int32(chars.count))
    }
}
