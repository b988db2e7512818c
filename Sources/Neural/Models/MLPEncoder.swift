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
/// The conv family adds the pooled features of `LocalPatterns` into h0's pre-activation.
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

    // Saved by forward for backward.
    private var input: EncoderInput = .dense(features: [], batch: 0)
    private let preActivations: [FloatBuffer]  // depth x (B, H)
    private let activations: [FloatBuffer]     // depth x (B, H)
    private let dActivation = FloatBuffer()    // (B, H) scratch
    private let dPreActivation = FloatBuffer() // (B, H) scratch
    // The distinct (position, token) pairs of the last token batch (forward).
    private var pairKeys: [Int] = []                  // position * V + token, in order of first occurrence
    private var pairSlot: [Int32] = []                // (maxLength * V): index in pairKeys, or -1
    private var occurrencePairs: [Int32] = []         // each real token's pair, sequence by sequence
    private var occurrenceStarts: [Int32] = []        // (B + 1): sequence s's tokens are starts[s] ..< starts[s + 1]
    private let pairContributions = FloatBuffer()    // (pairs, H): E[token] W0[position]
    private let pairGradients = FloatBuffer()        // (pairs, H) scratch

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
            let table = p + tokenEmbedding!.offset, weight = p + inputWeight.offset, bias = p + inputBias.offset
            collectPairs(batch, vocabulary: v)
            let contributions = reserved(pairContributions, pairKeys.count * h)
            for (i, key) in pairKeys.enumerated() {
                let position = key / v, embedding = table + (key % v) * e, out = contributions + i * h
                out.update(repeating: 0, count: h)
                for k in 0..<e { simdAxpy(h, embedding[k], weight + (position * e + k) * h, out) }
            }
            occurrencePairs.withUnsafeBufferPointer { pairs in
                occurrenceStarts.withUnsafeBufferPointer { starts in
                    for s in 0..<b {
                        let out = pre0 + s * h
                        out.update(from: bias, count: h)
                        for o in Int(starts[s])..<Int(starts[s + 1]) {
                            simdAxpy(h, 1, contributions + Int(pairs[o]) * h, out)
                        }
                    }
                }
            }
            localPatterns?.forward(batch, store: store, addingInto: pre0)
        case .dense(let features, _):
            guard let f = config.denseFeatures else { preconditionFailure("this MLP reads tokens, not dense features") }
            precondition(features.count == b * f, "dense input has \(features.count) values, expected \(b * f)")
            features.withUnsafeBufferPointer {
                linearForward(out: pre0, inp: $0.baseAddress!, weight: p + inputWeight.offset, bias: p + inputBias.offset,
                              rows: b, inFeatures: f, outFeatures: h)
            }
        }
        reluForward(out: reserved(activations[0], b * h), inp: pre0, count: b * h)
        for (i, layer) in hidden.enumerated() {
            let pre = reserved(preActivations[i + 1], b * h)
            linearForward(out: pre, inp: activations[i].pointer, weight: p + layer.weight.offset, bias: p + layer.bias.offset,
                          rows: b, inFeatures: h, outFeatures: h)
            reluForward(out: reserved(activations[i + 1], b * h), inp: pre, count: b * h)
        }
        return activations[config.depth - 1].pointer
    }

    public func backward(dout: UnsafePointer<Float>, store: ParameterStore) {
        let b = input.batch, h = config.width
        let p = store.parameters, g = store.gradients
        let dAct = reserved(dActivation, b * h), dPre = reserved(dPreActivation, b * h)
        dAct.update(from: dout, count: b * h)
        for i in stride(from: config.depth - 1, through: 0, by: -1) {
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
            // The gradient of each distinct (position, token) pair's vector is the sum of
            // dPre over the pair's occurrences; W0 and E get their gradients from it once
            // per pair (see forward).
            let (v, e) = (config.vocabularySize, config.embeddingWidth)
            let table = p + tokenEmbedding!.offset, weight = p + inputWeight.offset
            let dtable = g + tokenEmbedding!.offset, dweight = g + inputWeight.offset, dbias = g + inputBias.offset
            precondition(occurrenceStarts.count == batch.batch + 1, "backward without a matching forward")
            let dContributions = reserved(pairGradients, pairKeys.count * h)
            dContributions.update(repeating: 0, count: pairKeys.count * h)
            occurrencePairs.withUnsafeBufferPointer { pairs in
                occurrenceStarts.withUnsafeBufferPointer { starts in
                    for s in 0..<b {
                        let d = dPre + s * h
                        simdAxpy(h, 1, d, dbias)
                        for o in Int(starts[s])..<Int(starts[s + 1]) {
                            simdAxpy(h, 1, d, dContributions + Int(pairs[o]) * h)
                        }
                    }
                }
            }
            localPatterns?.backward(dPre0: dPre, store: store)
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

    /// Finds the distinct (position, token) pairs of `batch` (`pairKeys`) and each real
    /// token's pair (`occurrencePairs`, `occurrenceStarts`).
    private func collectPairs(_ batch: TokenBatch, vocabulary v: Int) {
        let maxLength = config.maxLength
        // The loop appends to locals, not to the stored arrays: every access to a class's
        // stored property inside the per-token closure is a dynamic exclusivity check,
        // which took about 3% of a training run (perf, `swift_beginAccess` under here).
        // Taking the arrays out of the properties leaves each uniquely referenced, so
        // they grow in place and keep their capacity from batch to batch.
        var slots = pairSlot, keys = pairKeys, pairs = occurrencePairs, starts = occurrenceStarts
        (pairSlot, pairKeys, occurrencePairs, occurrenceStarts) = ([], [], [], [])
        if slots.count != maxLength * v { slots = [Int32](repeating: -1, count: maxLength * v) }
        keys.removeAll(keepingCapacity: true)
        pairs.removeAll(keepingCapacity: true)
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
                pairs.append(slot[key])
            } startingSequence: { _ in
                starts.append(Int32(pairs.count))
            }
            for key in keys { slot[key] = -1 }
        }
        starts.append(Int32(pairs.count))
        (pairSlot, pairKeys, occurrencePairs, occurrenceStarts) = (slots, keys, pairs, starts)
    }

    /// Each layer's ReLU output (B, H) of the last forward: "layer 1" ... "layer depth".
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
