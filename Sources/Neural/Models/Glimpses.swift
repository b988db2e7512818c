import FastMath

/// Glimpses: each of K learned heads picks a character, finds where it is on the
/// character grid, and reports that place and the 3x3 window of characters around it (5x5
/// and more with `ModelConfig.glimpseRadius`), as
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
///     M_k[o, c] = sum_t w_t [the character at t's cell + o is c]          o in the W = 9 offsets of a 3x3 window
///     window_k[o] = sum_c M_k[o, c] E''[c]                                (W, D'')
///     pre0 += [place_k, window_k for k = 1 ... K] Wg                      (K (2 + W D''), H)
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
/// How it is computed: a head's features are a weighted mean of per-character means,
/// [place_k, window_k] = sum_c alpha_c Phi_c with Phi_c = (1/n_c) sum over c's cells of
/// [place, the 9 neighbours' E'' rows]. Phi does not depend on the head, so each
/// observation's tokens are read once (tokens x W additions of D''-vectors) and each head
/// adds C vectors; K heads cost little more than one. D'' = min(8, D): eight numbers tell
/// a grid's few symbols apart, and the projection Wg, one matrix product per batch, is
/// the largest part of the cost (at D'' = 16 and K = 2 its 292 inputs per unit would be
/// 2.3 times a hidden layer's 128; at D'' = 8, 148).
/// The per-token work runs on raw pointers into buffers kept from call to call (a first
/// version with Swift arrays in the class's properties, per-head token loops and D'' = 16
/// ran a tasks-only run at 13,600 decisions/s against 39,700 without glimpses).
final class Glimpses {
    let config: ModelConfig
    /// The window's offsets (line, column), row by row: (2r + 1) x (2r + 1) for radius r
    /// (`ModelConfig.glimpseRadius`, 1 by default: a 3x3 window).
    let offsets: [(line: Int, column: Int)]
    let radius: Int
    static let saliencyScale: Float = 4
    static let placeScale: Float = 1.0 / 8
    let heads: Int
    private let columns: Int, lines: Int
    private let embedding: ParameterView      // (V, D'')
    private let saliency: ParameterView       // (V, K)
    private let projection: ParameterView     // (K (2 + W D''), H)
    /// D'', the width of the glimpses' own character embedding.
    var channels: Int { config.glimpseEmbeddingWidth }
    /// Features per head: its place (2) and its window (W D'').
    var featuresPerHead: Int { config.glimpseFeaturesPerHead }

    // Saved by forward for backward. N = the batch's tokens, C = its examples' distinct
    // characters summed over examples.
    private var batch = 0
    private let tokenStarts = Int32Buffer()   // (B + 1): example s's tokens
    private let charStarts = Int32Buffer()    // (B + 1): example s's distinct characters are chars[charStarts[s] ..< charStarts[s + 1]]
    private let chars = Int32Buffer()         // (C): each example's distinct characters (token ids), in order of first occurrence
    private let charShares = FloatBuffer()    // (C): 1 / how often the character occurs in its example
    private let tokenChar = Int32Buffer()     // (N): the index in `chars` of each token's character
    private let tokenPlace = FloatBuffer()    // (N, 2): line and column, scaled
    private let neighbours = Int32Buffer()    // (N, 9): the index in `chars` of the character at each offset, or -1
    private let alphas = FloatBuffer()        // (C, K)
    private let characterMeans = FloatBuffer() // (C, 2 + W D''): Phi
    private let tokenCell = Int32Buffer()     // (N) scratch: each token's cell in `cellChar`
    private let cellChar = Int32Buffer()      // ((lines + 2r) (columns + 2r)) scratch, all -1 between calls: the grid with a border
    private let localIndex = Int32Buffer()    // (V) scratch, all -1 between calls
    private let featureRows = FloatBuffer()   // (B, K (2 + W D''))
    private let dFeatures = FloatBuffer()     // (B, K (2 + W D'')) scratch
    private let dMeans = FloatBuffer()        // (C_s, 2 + W D'') scratch
    private let dAlphas = FloatBuffer()       // (C_s) scratch: dOut_k . Phi_c

    init(config: ModelConfig, layout: inout ParameterLayout) {
        guard let columns = config.gridColumns, let heads = config.glimpses, heads > 0 else {
            preconditionFailure("glimpses need the grid's columns and a head count (ModelConfig.gridColumns, .glimpses)")
        }
        self.config = config
        self.heads = heads
        self.columns = columns
        lines = config.maxLength / columns
        radius = config.glimpseWindowRadius
        let r = radius
        offsets = (-r...r).flatMap { l in (-r...r).map { (line: l, column: $0) } }
        let d = config.glimpseEmbeddingWidth, f = heads * config.glimpseFeaturesPerHead
        embedding = layout.add("glimpse.token_embedding", shape: [config.vocabularySize, d], initializer: .uniform(bound: 1), decays: false)
        saliency = layout.add("glimpse.saliency", shape: [config.vocabularySize, heads], initializer: .uniform(bound: 0.25), decays: false)
        projection = layout.add("glimpse.projection.weight", shape: [f, config.width], initializer: .uniform(bound: 1 / Float(f).squareRoot()),
                                decays: true)
        cellChar.reserve((lines + 2 * r) * (columns + 2 * r), filling: -1)
        localIndex.reserve(config.vocabularySize, filling: -1)
    }

    /// Adds the glimpses of `input`, projected, into `pre0` (B, H).
    func forward(_ input: TokenBatch, store: ParameterStore, addingInto pre0: UnsafeMutablePointer<Float>) {
        collect(input)
        let p = store.parameters, d = channels, k = heads, o9 = offsets.count, per = featuresPerHead
        let totalChars = Int(charStarts.pointer[batch])
        let f = reserved(featureRows, batch * k * per)
        f.update(repeating: 0, count: batch * k * per)
        let alpha = reserved(alphas, totalChars * k), phi = reserved(characterMeans, totalChars * per)
        phi.update(repeating: 0, count: totalChars * per)
        let table = p + embedding.offset, scores = p + saliency.offset
        let tokenStarts = tokenStarts.pointer, charStarts = charStarts.pointer, chars = chars.pointer, shares = charShares.pointer
        let tokenChar = tokenChar.pointer, place = tokenPlace.pointer, neighbours = neighbours.pointer
        for s in 0..<batch {
            let c0 = Int(charStarts[s]), c1 = Int(charStarts[s + 1])
            // Phi: each character's mean place and window.
            for t in Int(tokenStarts[s])..<Int(tokenStarts[s + 1]) {
                let row = phi + Int(tokenChar[t]) * per, near = neighbours + t * o9
                row[0] += place[2 * t]
                row[1] += place[2 * t + 1]
                for o in 0..<o9 where near[o] >= 0 {
                    simdAxpy(d, 1, table + Int(chars[Int(near[o])]) * d, row + 2 + o * d)
                }
            }
            for c in c0..<c1 {
                let row = phi + c * per, share = shares[c]
                for i in 0..<per { row[i] *= share }
            }
            for head in 0..<k {
                // Softmax over the example's characters, then the weighted mean of their Phi.
                var largest = -Float.infinity
                for c in c0..<c1 { largest = max(largest, Self.saliencyScale * scores[Int(chars[c]) * k + head]) }
                var total: Float = 0
                for c in c0..<c1 {
                    let e = fastExp(Self.saliencyScale * scores[Int(chars[c]) * k + head] - largest)
                    alpha[c * k + head] = e
                    total += e
                }
                let inverse = 1 / total, out = f + (s * k + head) * per
                for c in c0..<c1 {
                    alpha[c * k + head] *= inverse
                    simdAxpy(per, alpha[c * k + head], phi + c * per, out)
                }
            }
        }
        linearAddForward(out: pre0, inp: f, weight: p + projection.offset, rows: batch, inFeatures: k * per, outFeatures: config.width)
    }

    /// Backpropagates dPre0 (B, H), the gradient of the MLP's first pre-activation, through
    /// the last forward, adding into `store.gradients`.
    func backward(dPre0: UnsafePointer<Float>, store: ParameterStore) {
        let p = store.parameters, g = store.gradients, d = channels, k = heads, o9 = offsets.count, per = featuresPerHead
        let df = reserved(dFeatures, batch * k * per)
        df.update(repeating: 0, count: batch * k * per)
        linearBackward(dinp: df, dweight: g + projection.offset, dbias: nil, dout: dPre0, inp: featureRows.pointer,
                       weight: p + projection.offset, rows: batch, inFeatures: k * per, outFeatures: config.width)
        let dTable = g + embedding.offset, dScores = g + saliency.offset
        let tokenStarts = tokenStarts.pointer, charStarts = charStarts.pointer, chars = chars.pointer, shares = charShares.pointer
        let tokenChar = tokenChar.pointer, neighbours = neighbours.pointer
        let alpha = alphas.pointer, phi = characterMeans.pointer
        var widest = 0
        for s in 0..<batch { widest = max(widest, Int(charStarts[s + 1] - charStarts[s])) }
        let dPhi = reserved(dMeans, widest * per), dAlpha = reserved(dAlphas, widest)
        for s in 0..<batch {
            let c0 = Int(charStarts[s]), c1 = Int(charStarts[s + 1])
            dPhi.update(repeating: 0, count: (c1 - c0) * per)
            for head in 0..<k {
                // out_k = sum_c alpha_c Phi_c: dPhi_c += alpha_c dOut_k, dAlpha_c = dOut_k . Phi_c,
                // and through the softmax, dS_c = 4 alpha_c (dAlpha_c - sum_c' alpha_c' dAlpha_c').
                let dOut = df + (s * k + head) * per
                var mean: Float = 0
                for c in c0..<c1 {
                    dAlpha[c - c0] = simdDot(per, dOut, phi + c * per)
                    mean += alpha[c * k + head] * dAlpha[c - c0]
                }
                for c in c0..<c1 {
                    let a = alpha[c * k + head]
                    simdAxpy(per, a, dOut, dPhi + (c - c0) * per)
                    dScores[Int(chars[c]) * k + head] += Self.saliencyScale * a * (dAlpha[c - c0] - mean)
                }
            }
            // Phi_c's window part is the mean over c's cells of their neighbours' E'' rows.
            for t in Int(tokenStarts[s])..<Int(tokenStarts[s + 1]) {
                let c = Int(tokenChar[t]), near = neighbours + t * o9, row = dPhi + (c - c0) * per, share = shares[c]
                for o in 0..<o9 where near[o] >= 0 {
                    simdAxpy(d, share, row + 2 + o * d, dTable + Int(chars[Int(near[o])]) * d)
                }
            }
        }
    }

    /// Example `example`'s features of the last forward: per head its place (2) and window (W D'').
    func features(example: Int) -> [Float] {
        let count = heads * featuresPerHead
        return Array(UnsafeBufferPointer(start: featureRows.pointer + example * count, count: count))
    }

    /// The weight each head gives each character of example `example` in the last forward:
    /// (character token, per-head weights) in order of first occurrence.
    func attention(example: Int) -> [(token: Int32, weights: [Float])] {
        (Int(charStarts.pointer[example])..<Int(charStarts.pointer[example + 1])).map { c in
            (chars.pointer[c], (0..<heads).map { alphas.pointer[c * heads + $0] })
        }
    }

    /// Reads `input`'s tokens: each example's distinct characters and their shares, each
    /// token's character, place and neighbours.
    private func collect(_ input: TokenBatch) {
        batch = input.batch
        let length = input.length, o9 = offsets.count, columns = columns
        let v = config.vocabularySize, maxLength = config.maxLength
        // Cells of the grid with a border of `radius` cells: line l, column c at
        // (l + r) (columns + 2r) + c + r, so every offset of a grid cell is a valid index,
        // and the border stays -1.
        let r = radius, stride = columns + 2 * r
        let deltas = offsets.map { $0.line * stride + $0.column }
        var count = 0
        for x in input.mask where x != 0 { count += 1 }
        tokenStarts.reserve(batch + 1)
        charStarts.reserve(batch + 1)
        chars.reserve(count)
        charShares.reserve(count)
        tokenChar.reserve(count)
        tokenPlace.reserve(2 * count)
        neighbours.reserve(o9 * count)
        tokenCell.reserve(count)
        let tokenStarts = tokenStarts.pointer, charStarts = charStarts.pointer, chars = chars.pointer, shares = charShares.pointer
        let tokenChar = tokenChar.pointer, place = tokenPlace.pointer, neighbours = neighbours.pointer
        let cellChar = cellChar.pointer, localIndex = localIndex.pointer, tokenCell = tokenCell.pointer
        var n = 0, charCount = 0
        input.tokens.withUnsafeBufferPointer { tokens in
        input.mask.withUnsafeBufferPointer { mask in
        (input.positions ?? []).withUnsafeBufferPointer { positions in
        deltas.withUnsafeBufferPointer { deltas in
            for s in 0..<batch {
                tokenStarts[s] = Int32(n)
                charStarts[s] = Int32(charCount)
                let first = n
                for t in 0..<length where mask[s * length + t] != 0 {
                    let token = Int(tokens[s * length + t])
                    let position = positions.isEmpty ? t : Int(positions[s * length + t])
                    precondition(token >= 0 && token < v, "token \(token) outside the vocabulary of \(v)")
                    precondition(position >= 0 && position < maxLength, "position \(position) outside the model's \(maxLength)")
                    if localIndex[token] < 0 {
                        localIndex[token] = Int32(charCount)
                        chars[charCount] = Int32(token)
                        shares[charCount] = 0
                        charCount += 1
                    }
                    let c = localIndex[token], line = position / columns, column = position % columns
                    shares[Int(c)] += 1
                    tokenChar[n] = c
                    place[2 * n] = Float(line) * Self.placeScale
                    place[2 * n + 1] = Float(column) * Self.placeScale
                    let cell = (line + r) * stride + column + r
                    cellChar[cell] = c
                    tokenCell[n] = Int32(cell)
                    n += 1
                }
                for i in first..<n {
                    let cell = Int(tokenCell[i]), near = neighbours + i * o9
                    for o in 0..<o9 { near[o] = cellChar[cell + deltas[o]] }
                }
                for i in first..<n { cellChar[Int(tokenCell[i])] = -1 }
                for c in Int(charStarts[s])..<charCount {
                    localIndex[Int(chars[c])] = -1
                    shares[c] = 1 / shares[c]
                }
            }
        }}}}
        tokenStarts[batch] = Int32(n)
        charStarts[batch] = Int32(charCount)
    }
}

/// An owned block of Int32 that `Glimpses` indexes through a raw pointer (see FloatBuffer).
private final class Int32Buffer {
    private(set) var pointer: UnsafeMutablePointer<Int32>
    private(set) var capacity = 0

    init() { pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1) }
    deinit { pointer.deallocate() }

    /// Makes room for at least `count` elements; growing discards the contents and sets
    /// every element to `filling`.
    func reserve(_ count: Int, filling: Int32 = 0) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        pointer.initialize(repeating: filling, count: count)
    }
}
