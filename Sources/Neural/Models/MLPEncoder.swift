import FastMath

/// The MLP family: each token's embedding (width D) placed at its position in a flat
/// vector of maxLength x D (zeros where there is no token), then `depth` layers of ReLU
/// units. (The first product is computed over the present tokens only.) The first layer is a linear layer on the whole laid-out sequence, so it sees
/// which token is where; factorising it through the shared D-wide token embedding keeps
/// it at maxLength x D x H parameters instead of maxLength x vocabulary x H.
///
///     x = [E[token at position p] or 0 for p in 0 ..< T]   (B, T * D)
///     h0 = relu(x W0 + b0)                                (B, H)
///     h_i = relu(h_{i-1} W_i + b_i)                       (B, H), i = 1 ..< depth
///
/// The conv family adds the pooled features of `LocalPatterns` into h0's pre-activation,
/// and `ModelConfig.glimpses` adds the places and windows of `Glimpses` there.
/// With `ModelConfig.gameGate` every h_i is multiplied by a gate read from the observation's
/// first line (`GameGate`).
///
/// With `denseFeatures` set the first layer is an ordinary linear layer on dense
/// inputs instead (the W1 benchmark's network).
public final class MLPEncoder: FeatureEncoder {
    public let config: ModelConfig
    public var outputWidth: Int { config.width }

    private let tokenEmbedding: ParameterView?  // tokens: (V, D)
    private let inputWeight: ParameterView      // tokens: (T * D, H); dense: (F, H)
    private let inputBias: ParameterView        // (H)
    private let hidden: [(weight: ParameterView, bias: ParameterView)]  // (H, H), (H)
    /// The conv family's convolutional path (nil for the plain MLP).
    private let localPatterns: LocalPatterns?
    /// The gate on every hidden layer, read from the first line (nil without `gameGate`).
    let gameGate: GameGate?
    /// Heads that read a character's place and 3x3 window (nil without `glimpses`).
    let glimpses: Glimpses?

    // Saved by forward for backward.
    private var input: EncoderInput = .dense(features: [], batch: 0)
    private let preActivations: [FloatBuffer]  // depth x (B, H)
    private let activations: [FloatBuffer]     // depth x (B, H)
    private let dActivation = FloatBuffer()    // (B, H) scratch
    private let dPreActivation = FloatBuffer() // (B, H) scratch
    // The distinct (position, token) pairs and the distinct runs of the last token batch
    // (forward; see `collectPairs`).
    private var pairKeys: [Int] = []                  // position * V + token, in order of first occurrence
    private var pairSlot: [Int32] = []                // (maxLength * V): index in pairKeys, or -1
    private var runPairs: [Int32] = []                // each distinct run's pairs, run after run
    private var runStarts: [Int32] = [0]              // (runs + 1): run r's pairs are runPairs[runStarts[r] ..< runStarts[r + 1]]
    private var runTable = RunTable()                 // a run's pairs -> its index
    private var occurrenceRuns: [Int32] = []          // each sequence's runs, sequence by sequence
    private var occurrenceStarts: [Int32] = []        // (B + 1): sequence s's runs are occurrenceRuns[starts[s] ..< starts[s + 1]]
    private let pairContributions = FloatBuffer()    // (pairs, H): E[token] W0[position]
    private let pairGradients = FloatBuffer()        // (pairs, H) scratch
    private let runSums = FloatBuffer()              // (runs, H): the sum of a run's pair contributions
    private let runGradients = FloatBuffer()         // (runs, H) scratch

    /// Registers the encoder's parameters in `layout`.
    public init(config: ModelConfig, layout: inout ParameterLayout) {
        self.config = config
        let h = config.width
        if let features = config.denseFeatures {
            let bound = 1 / Float(features).squareRoot()
            tokenEmbedding = nil
            inputWeight = layout.add("mlp.input.weight", shape: [features, h], initializer: .uniform(bound: bound), decays: true)
            inputBias = layout.add("mlp.input.bias", shape: [h], initializer: .uniform(bound: bound), decays: false)
        } else {
            let e = config.embeddingWidth
            tokenEmbedding = layout.add("mlp.token_embedding", shape: [config.vocabularySize, e], initializer: .uniform(bound: 1),
                                        decays: false)
            let bound = 1 / Float(config.maxLength * e).squareRoot()
            inputWeight = layout.add("mlp.input.weight", shape: [config.maxLength * e, h], initializer: .uniform(bound: bound), decays: true)
            inputBias = layout.add("mlp.input.bias", shape: [h], initializer: .constant(0), decays: false)
        }
        localPatterns = config.architecture == .conv ? LocalPatterns(config: config, layout: &layout) : nil
        gameGate = config.hasGameGate ? GameGate(config: config, layout: &layout) : nil
        glimpses = config.glimpseCount > 0 ? Glimpses(config: config, layout: &layout) : nil
        let bound = 1 / Float(h).squareRoot()
        hidden = (1..<max(config.depth, 1)).map { i in
            (layout.add("mlp.hidden\(i).weight", shape: [h, h], initializer: .uniform(bound: bound), decays: true),
             layout.add("mlp.hidden\(i).bias", shape: [h], initializer: .uniform(bound: bound), decays: false))
        }
        preActivations = (0..<config.depth).map { _ in FloatBuffer() }
        activations = (0..<config.depth).map { _ in FloatBuffer() }
    }

    public func forward(_ input: EncoderInput, store: ParameterStore) -> UnsafeMutablePointer<Float> {
        self.input = input
        let b = input.batch, h = config.width
        let p = store.parameters
        let pre0 = reserved(preActivations[0], b * h)
        switch input {
        case .tokens(let batch):
            precondition(config.denseFeatures == nil, "this MLP reads dense features, not tokens")
            precondition(batch.length <= config.maxLength, "sequence length \(batch.length) exceeds the model's \(config.maxLength)")
            let (v, e) = (config.vocabularySize, config.embeddingWidth)
            // x W0 with x mostly zeros: only the present tokens' rows of W0 matter. A token
            // at a position adds E[token] W0[position], the same H-vector wherever that
            // (position, token) pair occurs, and a batch of boards repeats few pairs many
            // times (a go batch: every cell is '.', 'X' or 'O'). So each distinct pair's
            // vector is computed once (D x H multiply-adds) and each occurrence adds it
            // (H adds), instead of D x H multiply-adds per occurrence.
            // Whole runs of consecutive positions (a text line: an id line, a row of
            // the board) repeat too, so the pairs' vectors are summed once per distinct
            // run, and each sequence adds one vector per run instead of one per token.
            let table = p + tokenEmbedding!.offset, weight = p + inputWeight.offset, bias = p + inputBias.offset
            collectPairs(batch, vocabulary: v)
            let contributions = reserved(pairContributions, pairKeys.count * h)
            for (i, key) in pairKeys.enumerated() {
                let position = key / v, embedding = table + (key % v) * e, out = contributions + i * h
                out.update(repeating: 0, count: h)
                for k in 0..<e { simdAxpy(h, embedding[k], weight + (position * e + k) * h, out) }
            }
            let runCount = runStarts.count - 1
            let sums = reserved(runSums, runCount * h)
            runPairs.withUnsafeBufferPointer { pairs in
                runStarts.withUnsafeBufferPointer { bounds in
                    for r in 0..<runCount {
                        let out = sums + r * h, first = Int(bounds[r])
                        out.update(from: contributions + Int(pairs[first]) * h, count: h)
                        for o in (first + 1)..<Int(bounds[r + 1]) { simdAxpy(h, 1, contributions + Int(pairs[o]) * h, out) }
                    }
                }
            }
            occurrenceRuns.withUnsafeBufferPointer { runs in
                occurrenceStarts.withUnsafeBufferPointer { starts in
                    for s in 0..<b {
                        let out = pre0 + s * h
                        out.update(from: bias, count: h)
                        for o in Int(starts[s])..<Int(starts[s + 1]) {
                            simdAxpy(h, 1, sums + Int(runs[o]) * h, out)
                        }
                    }
                }
            }
            localPatterns?.forward(batch, store: store, addingInto: pre0)
            glimpses?.forward(batch, store: store, addingInto: pre0)
            if let gameGate {
                gameGate.forward(batch: b, firstRun: { Int(occurrenceRuns[Int(occurrenceStarts[$0])]) }, pairs: { r in
                    (Int(runStarts[r])..<Int(runStarts[r + 1])).map { o in
                        let key = pairKeys[Int(runPairs[o])]
                        return (position: key / v, token: key % v)
                    }
                }, store: store)
            }
        case .dense(let features, _):
            guard let f = config.denseFeatures else { preconditionFailure("this MLP reads tokens, not dense features") }
            precondition(features.count == b * f, "dense input has \(features.count) values, expected \(b * f)")
            features.withUnsafeBufferPointer {
                linearForward(out: pre0, inp: $0.baseAddress!, weight: p + inputWeight.offset, bias: p + inputBias.offset,
                              rows: b, inFeatures: f, outFeatures: h)
            }
        }
        reluForward(out: reserved(activations[0], b * h), inp: pre0, count: b * h)
        gameGate?.apply(layer: 0, to: activations[0].pointer)
        for (i, layer) in hidden.enumerated() {
            let pre = reserved(preActivations[i + 1], b * h)
            linearForward(out: pre, inp: activations[i].pointer, weight: p + layer.weight.offset, bias: p + layer.bias.offset,
                          rows: b, inFeatures: h, outFeatures: h)
            reluForward(out: reserved(activations[i + 1], b * h), inp: pre, count: b * h)
            gameGate?.apply(layer: i + 1, to: activations[i + 1].pointer)
        }
        return activations[config.depth - 1].pointer
    }

    public func backward(dout: UnsafePointer<Float>, store: ParameterStore) {
        let b = input.batch, h = config.width
        let p = store.parameters, g = store.gradients
        let dAct = reserved(dActivation, b * h), dPre = reserved(dPreActivation, b * h)
        dAct.update(from: dout, count: b * h)
        gameGate?.beginBackward()
        for i in stride(from: config.depth - 1, through: 0, by: -1) {
            gameGate?.backward(layer: i, dActivations: dAct, preActivations: preActivations[i].pointer)
            dPre.update(repeating: 0, count: b * h)
            reluBackward(din: dPre, dout: dAct, inp: preActivations[i].pointer, count: b * h)
            if i > 0 {
                let layer = hidden[i - 1]
                dAct.update(repeating: 0, count: b * h)
                linearBackward(dinp: dAct, dweight: g + layer.weight.offset, dbias: g + layer.bias.offset, dout: dPre,
                               inp: activations[i - 1].pointer, weight: p + layer.weight.offset,
                               rows: b, inFeatures: h, outFeatures: h)
            }
        }
        // dPre now holds the gradient of the first layer's pre-activation.
        switch input {
        case .tokens(let batch):
            // The gradient of each distinct run's sum is the sum of dPre over the run's
            // occurrences, and a pair's vector gets the gradients of the runs it is in; W0
            // and E get their gradients from it once per pair (see forward).
            let (v, e) = (config.vocabularySize, config.embeddingWidth)
            let table = p + tokenEmbedding!.offset, weight = p + inputWeight.offset
            let dtable = g + tokenEmbedding!.offset, dweight = g + inputWeight.offset, dbias = g + inputBias.offset
            precondition(occurrenceStarts.count == batch.batch + 1, "backward without a matching forward")
            let runCount = runStarts.count - 1
            let dSums = reserved(runGradients, runCount * h)
            dSums.update(repeating: 0, count: runCount * h)
            occurrenceRuns.withUnsafeBufferPointer { runs in
                occurrenceStarts.withUnsafeBufferPointer { starts in
                    for s in 0..<b {
                        let d = dPre + s * h
                        simdAxpy(h, 1, d, dbias)
                        for o in Int(starts[s])..<Int(starts[s + 1]) {
                            simdAxpy(h, 1, d, dSums + Int(runs[o]) * h)
                        }
                    }
                }
            }
            let dContributions = reserved(pairGradients, pairKeys.count * h)
            dContributions.update(repeating: 0, count: pairKeys.count * h)
            runPairs.withUnsafeBufferPointer { pairs in
                runStarts.withUnsafeBufferPointer { bounds in
                    for r in 0..<runCount {
                        for o in Int(bounds[r])..<Int(bounds[r + 1]) { simdAxpy(h, 1, dSums + r * h, dContributions + Int(pairs[o]) * h) }
                    }
                }
            }
            localPatterns?.backward(dPre0: dPre, store: store)
            glimpses?.backward(dPre0: dPre, store: store)
            gameGate?.endBackward(store: store)
            for (i, key) in pairKeys.enumerated() {
                let position = key / v, token = key % v, d = dContributions + i * h
                let embedding = table + token * e, dembedding = dtable + token * e
                for k in 0..<e {
                    let offset = (position * e + k) * h
                    simdAxpy(h, embedding[k], d, dweight + offset)
                    dembedding[k] += simdDot(h, weight + offset, d)
                }
            }
        case .dense(let features, _):
            features.withUnsafeBufferPointer {
                linearBackward(dinp: nil, dweight: g + inputWeight.offset, dbias: g + inputBias.offset, dout: dPre,
                               inp: $0.baseAddress!, weight: p + inputWeight.offset,
                               rows: b, inFeatures: config.denseFeatures!, outFeatures: h)
            }
        }
    }

    /// Finds the distinct (position, token) pairs of `batch` (`pairKeys`), its distinct
    /// runs (`runPairs`, `runStarts`; see `RunCollector`) and each sequence's runs
    /// (`occurrenceRuns`, `occurrenceStarts`).
    private func collectPairs(_ batch: TokenBatch, vocabulary v: Int) {
        let maxLength = config.maxLength
        // The loop appends to locals, not to the stored arrays: every access to a class's
        // stored property inside the per-token closure is a dynamic exclusivity check,
        // which took about 3% of a training run (perf, `swift_beginAccess` under here).
        // (So does a local function that captures variables, hence `RunCollector`.)
        // Taking the arrays out of the properties leaves each uniquely referenced, so
        // they grow in place and keep their capacity from batch to batch.
        var slots = pairSlot, keys = pairKeys, starts = occurrenceStarts
        var collector = RunCollector(pairs: runPairs, starts: runStarts, table: runTable, occurrences: occurrenceRuns)
        (pairSlot, pairKeys, runPairs, runStarts, runTable, occurrenceRuns, occurrenceStarts) = ([], [], [], [], RunTable(), [], [])
        if slots.count != maxLength * v { slots = [Int32](repeating: -1, count: maxLength * v) }
        keys.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { slot in
            forEachToken(batch) { _, _, token, position in
                precondition(token >= 0 && token < v, "token \(token) outside the vocabulary of \(v)")
                precondition(position >= 0 && position < maxLength, "position \(position) outside the model's \(maxLength)")
                let key = position * v + token
                if slot[key] < 0 {
                    slot[key] = Int32(keys.count)
                    keys.append(key)
                }
                collector.add(pair: slot[key], at: position)
            } startingSequence: { _ in
                collector.closeRun()
                starts.append(Int32(collector.occurrences.count))
            }
            collector.closeRun()
            for key in keys { slot[key] = -1 }
        }
        starts.append(Int32(collector.occurrences.count))
        (pairSlot, pairKeys, runPairs, runStarts, runTable, occurrenceRuns, occurrenceStarts) =
            (slots, keys, collector.pairs, collector.starts, collector.table, collector.occurrences, starts)
    }

    /// The factor by which each hidden unit of each layer (depth x H) is scaled in every
    /// state whose observation's first line is `firstLine` (token ids, as `Tokenizer`
    /// gives them), or nil if the network has no game gate (`ModelConfig.gameGate`).
    public func gameGates(firstLine: [Int32], store: ParameterStore) -> [[Float]]? {
        gameGate?.gates(firstLine: firstLine, store: store)
    }

    /// The weight each glimpse head gave each character of example `example` in the last
    /// forward (character token, one weight per head; each head's weights sum to 1), or nil
    /// if the network has no glimpses (`ModelConfig.glimpses`).
    public func glimpseAttention(example: Int) -> [(token: Int32, weights: [Float])]? {
        glimpses?.attention(example: example)
    }

    /// Each layer's output (B, H) of the last forward, its ReLU times its game gate if the
    /// network has one: "layer 1" ... "layer depth".
    public func hiddenLayers() -> [HiddenLayer] {
        let count = input.batch * config.width
        return activations.enumerated().map { index, buffer in
            HiddenLayer(name: "layer \(index + 1)", width: config.width, values: Array(UnsafeBufferPointer(start: buffer.pointer, count: count)))
        }
    }

    /// Calls `body(sequence, index, token, position)` for every real token of `batch`, and
    /// `startingSequence(s)` before the tokens of sequence s (array reads hoisted out of
    /// the hot loops).
    @inline(__always)
    private func forEachToken(_ batch: TokenBatch, _ body: (Int, Int, Int, Int) -> Void, startingSequence: (Int) -> Void) {
        let length = batch.length
        batch.tokens.withUnsafeBufferPointer { tokens in
            batch.mask.withUnsafeBufferPointer { mask in
                func visit(_ position: (Int) -> Int) {
                    for s in 0..<batch.batch {
                        startingSequence(s)
                        for t in 0..<length where mask[s * length + t] != 0 {
                            body(s, t, Int(tokens[s * length + t]), position(s * length + t))
                        }
                    }
                }
                if let positions = batch.positions {
                    positions.withUnsafeBufferPointer { ids in visit { Int(ids[$0]) } }
                } else {
                    visit { $0 % length }
                }
            }
        }
    }
}

/// Splits a batch's sequences into runs and finds the distinct ones (`MLPEncoder.collectPairs`).
///
/// A run is a stretch of a sequence's tokens at consecutive positions, at most
/// `maxLength` long: with `TextEncoding`'s line-and-column positions, one line of text (a
/// newline skips to the next line's position). Two runs are the same when they have the
/// same (position, token) pairs in the same order.
struct RunCollector {
    /// The longest run: `TextEncoding.columns`, the line width of the positions, copied
    /// here because `Neural` does not import `RL`. Were they to differ, runs would still be
    /// exact, only no longer one text line each.
    static let maxLength = 16
    /// FNV-1a's offset basis, where a run's hash starts.
    static let hashBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Each distinct run's pairs, run after run; then the pairs of the run being read,
    /// which `closeRun` takes off again if the run is already known.
    private(set) var pairs: [Int32]
    /// (runs + 1): run r's pairs are `pairs[starts[r] ..< starts[r + 1]]`.
    private(set) var starts: [Int32]
    private(set) var table: RunTable
    /// Each run read, as its distinct run's index, in order.
    private(set) var occurrences: [Int32]
    private var length = 0, lastPosition = Int.min, hash = RunCollector.hashBasis

    /// Starts empty, reusing the arrays' and the table's storage.
    init(pairs: [Int32], starts: [Int32], table: RunTable, occurrences: [Int32]) {
        (self.pairs, self.starts, self.table, self.occurrences) = (pairs, starts, table, occurrences)
        self.pairs.removeAll(keepingCapacity: true)
        self.starts.removeAll(keepingCapacity: true)
        self.starts.append(0)
        self.table.removeAll()
        self.occurrences.removeAll(keepingCapacity: true)
    }

    /// Reads the next token's pair; a gap in positions or a full run closes the run before it.
    @inline(__always)
    mutating func add(pair: Int32, at position: Int) {
        if position != lastPosition &+ 1 || length == Self.maxLength { closeRun() }
        pairs.append(pair)
        length += 1
        hash = (hash ^ UInt64(UInt32(bitPattern: pair))) &* 0x100_0000_01B3  // FNV-1a's prime
        lastPosition = position
    }

    /// Ends the run being read (at a sequence's end, or before a new one).
    mutating func closeRun() {
        defer { (length, lastPosition, hash) = (0, Int.min, Self.hashBasis) }
        guard length > 0 else { return }
        let start = pairs.count - length, length = length
        let known = pairs.withUnsafeBufferPointer { runPairs in
            starts.withUnsafeBufferPointer { bounds in
                table.find(hash) { r in
                    let from = Int(bounds[r]), to = Int(bounds[r + 1])
                    return to - from == length && (0..<length).allSatisfy { runPairs[from + $0] == runPairs[start + $0] }
                }
            }
        }
        if let known {
            pairs.removeLast(length)
            occurrences.append(known)
        } else {
            let index = Int32(starts.count - 1)
            starts.append(Int32(pairs.count))
            table.insert(index, hash: hash)
            occurrences.append(index)
        }
    }
}

/// Run hashes -> run indices, by open addressing with linear probing; several runs may
/// share a hash, so `find` asks the caller which candidate is the run. `removeAll` keeps
/// the capacity.
struct RunTable {
    private var hashes: [UInt64] = []
    private var indices: [Int32] = []   // -1: empty
    private var count = 0

    mutating func removeAll() {
        if count > 0 { indices.withUnsafeMutableBufferPointer { $0.update(repeating: -1) } }
        count = 0
    }

    @inline(__always)
    private func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & (indices.count - 1) }

    /// The first index stored under `hash` for which `isRun` holds, or nil.
    func find(_ hash: UInt64, isRun: (Int) -> Bool) -> Int32? {
        guard !indices.isEmpty else { return nil }
        let mask = indices.count - 1
        var i = slot(hash)
        while indices[i] >= 0 {
            if hashes[i] == hash && isRun(Int(indices[i])) { return indices[i] }
            i = (i + 1) & mask
        }
        return nil
    }

    mutating func insert(_ index: Int32, hash: UInt64) {
        if 2 * (count + 1) > indices.count {
            let entries = (0..<indices.count).filter { indices[$0] >= 0 }.map { (hashes[$0], indices[$0]) }
            let capacity = max(1024, 2 * indices.count)
            hashes = [UInt64](repeating: 0, count: capacity)
            indices = [Int32](repeating: -1, count: capacity)
            count = 0
            for (h, r) in entries { insert(r, hash: h) }
        }
        let mask = indices.count - 1
        var i = slot(hash)
        while indices[i] >= 0 { i = (i + 1) & mask }
        hashes[i] = hash
        indices[i] = index
        count += 1
    }
}
