import FastMath

/// A multiplicative gate on each hidden layer of the MLP (and conv) family, computed from
/// the text of an observation's first line: the game's id line ("One network for every
/// game", DESIGN.md). Off unless `ModelConfig.gameGate` is set.
///
/// Why: in the plain MLP the id line reaches the network only additively, through the
/// first layer, so `x` at `c3` drives the same units in tic-tac-toe, connect-four and
/// othello, and a game can select units only by pushing others below zero. The gate lets
/// each game scale every unit of every layer by its own factor in (0, 2), so games can
/// keep to different units (interference between games is the suspected reason othello-8x8
/// learns alone and not beside 24 other games). The factors are computed from the id
/// line's characters by weights shared by all games, so no parameter belongs to a game
/// and a game added later gets a gate from its id's text.
///
///     c = the first run of the observation (its first text line, `RunCollector`)
///     z_l = b_l + sum over (column, character) in c of E'[character] P_l[column]   (H)
///     g_l = 2 sigmoid(z_l)                                                         (H)
///     h_l = relu(pre_l) * g_l                            l = 1 ... depth
///
/// E' is the gate's own character embedding (V, D), P_l a (16 D, H) table per layer
/// (16 = the line width of the position grid; a column is a position modulo 16), b_l a
/// bias. P_l starts within +-0.01, so every gate starts near 1 and the network near the
/// plain MLP. With `--hide-game-id` the first line is the board's top row and the gate
/// reads that instead. States of one game share their id line, so a batch computes one
/// gate per distinct first line, a few dozen at most: the first lines' embeddings laid
/// out by column, x (lines, 16 D), times P_l, one matrix product per layer (a loop of
/// per-character products cost about 5% of a training run, perf).
final class GameGate {
    let config: ModelConfig
    /// Columns of a first line that the gate tells apart (`RunCollector.maxLength`).
    static let columns = RunCollector.maxLength
    private let embedding: ParameterView                                   // (V, D)
    private let layers: [(weight: ParameterView, bias: ParameterView)]     // (16 D, H), (H)
    var channels: Int { config.embeddingWidth }

    // Saved by forward for backward.
    /// Each distinct first line's (column, token) pairs, line after line, and their bounds.
    private var contextColumns: [Int32] = [], contextTokens: [Int32] = [], contextStarts: [Int32] = [0]
    /// (B): the distinct first line of each sequence.
    private(set) var contextOf: [Int32] = []
    private let gates: [FloatBuffer]               // depth x (contexts, H)
    private let dZ: [FloatBuffer]                  // depth x (contexts, H)
    private let laidOut = FloatBuffer()            // (contexts, 16 D): x, each first line's E' rows by column
    private let dLaidOut = FloatBuffer()           // (contexts, 16 D) scratch

    init(config: ModelConfig, layout: inout ParameterLayout) {
        self.config = config
        let d = config.embeddingWidth, h = config.width
        embedding = layout.add("gate.token_embedding", shape: [config.vocabularySize, d], initializer: .uniform(bound: 1), decays: false)
        layers = (0..<config.depth).map { l in
            (layout.add("gate.layer\(l + 1).weight", shape: [Self.columns * d, h], initializer: .uniform(bound: 0.01), decays: true),
             layout.add("gate.layer\(l + 1).bias", shape: [h], initializer: .constant(0), decays: false))
        }
        gates = (0..<config.depth).map { _ in FloatBuffer() }
        dZ = (0..<config.depth).map { _ in FloatBuffer() }
    }

    /// Number of distinct first lines in the last batch.
    var contextCount: Int { contextStarts.count - 1 }

    /// Reads the batch's first lines and computes every layer's gates. `firstRun(s)` is the
    /// index of sequence s's first run among the batch's distinct runs, and `pairs(r)` the
    /// (position, token) pairs of run r (`MLPEncoder.collectPairs`).
    func forward(batch: Int, firstRun: (Int) -> Int, pairs: (Int) -> [(position: Int, token: Int)], store: ParameterStore) {
        contextColumns.removeAll(keepingCapacity: true)
        contextTokens.removeAll(keepingCapacity: true)
        contextStarts = [0]
        contextOf.removeAll(keepingCapacity: true)
        var contextOfRun: [Int: Int32] = [:]
        for s in 0..<batch {
            let run = firstRun(s)
            if let known = contextOfRun[run] {
                contextOf.append(known)
                continue
            }
            let index = Int32(contextStarts.count - 1)
            contextOfRun[run] = index
            contextOf.append(index)
            for pair in pairs(run) {
                contextColumns.append(Int32(pair.position % Self.columns))
                contextTokens.append(Int32(pair.token))
            }
            contextStarts.append(Int32(contextColumns.count))
        }
        let k = contextCount, h = config.width
        let x = reserved(laidOut, k * Self.columns * channels)
        layOut(columns: contextColumns, tokens: contextTokens, starts: contextStarts, into: x, store: store)
        for l in layers.indices { computeGates(layer: l, x: x, count: k, store: store, into: reserved(gates[l], k * h)) }
    }

    /// Writes x: each first line's E' rows at their columns, zeros elsewhere ((lines, 16 D);
    /// line c's (column, token) pairs are entries `starts[c] ..< starts[c + 1]`).
    private func layOut(columns: [Int32], tokens: [Int32], starts: [Int32], into x: UnsafeMutablePointer<Float>, store: ParameterStore) {
        let d = channels, width = Self.columns * d, k = starts.count - 1, table = store.parameters + embedding.offset
        x.update(repeating: 0, count: k * width)
        for c in 0..<k {
            // A first line is one run: its columns are distinct.
            for o in Int(starts[c])..<Int(starts[c + 1]) {
                (x + c * width + Int(columns[o]) * d).update(from: table + Int(tokens[o]) * d, count: d)
            }
        }
    }

    /// Layer `layer`'s gates of `count` laid-out first lines: 2 sigmoid(x P_l + b_l), (count, H).
    private func computeGates(layer: Int, x: UnsafePointer<Float>, count k: Int, store: ParameterStore, into z: UnsafeMutablePointer<Float>) {
        let p = store.parameters, h = config.width
        linearForward(out: z, inp: x, weight: p + layers[layer].weight.offset, bias: p + layers[layer].bias.offset,
                      rows: k, inFeatures: Self.columns * channels, outFeatures: h)
        for j in 0..<(k * h) { z[j] = 2 / (1 + fastExp(-z[j])) }  // fastExp: the loop vectorises (libm's expf does not)
    }

    /// Every layer's gate (depth x H) for a first line of `tokens`, the first at column 0
    /// (at most `columns` of them are read; the rest would be another run): what the
    /// network applies to every state whose observation starts with that line. Leaves the
    /// last forward's state alone.
    func gates(firstLine tokens: [Int32], store: ParameterStore) -> [[Float]] {
        let line = Array(tokens.prefix(Self.columns))
        var x = [Float](repeating: 0, count: Self.columns * channels)
        x.withUnsafeMutableBufferPointer {
            layOut(columns: line.indices.map { Int32($0) }, tokens: line, starts: [0, Int32(line.count)], into: $0.baseAddress!, store: store)
        }
        return layers.indices.map { l in
            var z = [Float](repeating: 0, count: config.width)
            z.withUnsafeMutableBufferPointer { computeGates(layer: l, x: x, count: 1, store: store, into: $0.baseAddress!) }
            return z
        }
    }

    /// Multiplies each row of `activations` (B, H), layer `layer`'s ReLU output, by its
    /// sequence's gate.
    func apply(layer: Int, to activations: UnsafeMutablePointer<Float>) {
        let h = config.width, g = gates[layer].pointer
        for (s, c) in contextOf.enumerated() {
            let row = activations + s * h, gate = g + Int(c) * h
            for j in 0..<h { row[j] *= gate[j] }
        }
    }

    /// The gate of `layer` for sequence `s` of the last forward (H values).
    func gate(layer: Int, sequence s: Int) -> [Float] {
        let h = config.width
        return Array(UnsafeBufferPointer(start: gates[layer].pointer + Int(contextOf[s]) * h, count: h))
    }

    /// Starts a backward pass: clears the gates' gradients.
    func beginBackward() {
        let n = contextCount * config.width
        for buffer in dZ { reserved(buffer, n).update(repeating: 0, count: n) }
    }

    /// Turns `dActivations` (B, H), the gradient of layer `layer`'s gated output, into the
    /// gradient of its ReLU output (times the gate), and collects the gate's gradient from
    /// the ReLU output `relu(preActivations)`.
    func backward(layer: Int, dActivations: UnsafeMutablePointer<Float>, preActivations: UnsafePointer<Float>) {
        let h = config.width, g = gates[layer].pointer, dz = dZ[layer].pointer
        for (s, c) in contextOf.enumerated() {
            let d = dActivations + s * h, pre = preActivations + s * h
            let gate = g + Int(c) * h, dGate = dz + Int(c) * h
            for j in 0..<h {
                dGate[j] += d[j] * max(pre[j], 0)
                d[j] *= gate[j]
            }
        }
    }

    /// Ends a backward pass: turns the collected gate gradients into gradients of the
    /// gate's parameters (g = 2 sigmoid(z), so dg/dz = g (1 - g / 2)).
    func endBackward(store: ParameterStore) {
        let p = store.parameters, grads = store.gradients, d = channels, h = config.width, k = contextCount, width = Self.columns * d
        let dx = reserved(dLaidOut, k * width)
        dx.update(repeating: 0, count: k * width)
        for (l, layer) in layers.enumerated() {
            let dz = dZ[l].pointer, gate = gates[l].pointer
            for j in 0..<(k * h) { dz[j] *= gate[j] * (1 - gate[j] / 2) }
            linearBackward(dinp: dx, dweight: grads + layer.weight.offset, dbias: grads + layer.bias.offset, dout: dz,
                           inp: laidOut.pointer, weight: p + layer.weight.offset, rows: k, inFeatures: width, outFeatures: h)
        }
        let dTable = grads + embedding.offset
        for c in 0..<k {
            for o in Int(contextStarts[c])..<Int(contextStarts[c + 1]) {
                simdAxpy(d, 1, dx + c * width + Int(contextColumns[o]) * d, dTable + Int(contextTokens[o]) * d)
            }
        }
    }
}
