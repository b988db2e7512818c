import GameKit
import Neural

/// A batch the text policy reads: B observations and, for each, its legal actions as text.
///
/// Action texts are deduplicated across the batch (a batch of go positions shares its
/// 82 move names), so the action encoder runs once per distinct text.
public struct PolicyBatch: Sendable {
    /// The observations, with 2-D position ids (`TextEncoding`).
    public let observations: TokenBatch
    /// Distinct action texts, (U, `TextEncoding.actionLength`) token ids, 0-padded.
    public let actionTokens: [Int32]
    /// Number of distinct action texts U.
    public let distinctActions: Int
    /// State b's legal actions are entries `offsets[b] ..< offsets[b + 1]` (B + 1 values).
    public let offsets: [Int32]
    /// For each legal action (N), its distinct text and its state.
    public let textOf: [Int32], stateOf: [Int32]

    public var batch: Int { observations.batch }
    public var actionCount: Int { textOf.count }
}

/// Builds `PolicyBatch`es, remembering the tokens of every action text it has seen.
///
/// Every batch deduplicates its states' action texts, and a decision is in five batches
/// (its rollout step and four epochs), each time with all its legal actions (82 for a
/// go-lite-9x9 state). Hashing them as `String`s (SipHash) took about 4% of a training
/// run, so a text is packed into one integer, its UTF-8 bytes (at most `actionLength`,
/// all nonzero), and looked up in an open-addressing table (`PackedTextTable`).
public struct PolicyBatchBuilder {
    /// Packed text -> index of its tokens in `cachedTokens` (an `actionLength` row each).
    private var cache = PackedTextTable()
    private var cachedTokens: [Int32] = []
    /// Packed text -> its index among the current batch's distinct texts.
    private var distinct = PackedTextTable()

    public init() {}

    /// A batch of `states`: each an observation and its legal action texts (mover notation).
    public mutating func batch(_ states: [(observation: String, actions: [String])]) throws(EncodingError) -> PolicyBatch {
        var encoded: [EncodedObservation] = []
        for state in states { encoded.append(try EncodedObservation(state.observation)) }
        return try batch(encoded, actions: states.map(\.actions))
    }

    /// A batch of observations already encoded, with their legal action texts.
    public mutating func batch(_ observations: [EncodedObservation], actions: [[String]]) throws(EncodingError) -> PolicyBatch {
        precondition(observations.count == actions.count, "one action list per observation")
        var offsets: [Int32] = [0], textOf: [Int32] = [], stateOf: [Int32] = []
        offsets.reserveCapacity(actions.count + 1)
        var actionTokens: [Int32] = []
        distinct.removeAll()
        var distinctCount: Int32 = 0
        let width = TextEncoding.actionLength
        for (index, texts) in actions.enumerated() {
            guard !texts.isEmpty else { throw .noActions }
            for text in texts {
                // A text that does not pack (too long, empty, a NUL byte) is not a valid
                // action: encodeAction throws the error that says why.
                guard let packed = Self.pack(text) else { _ = try TextEncoding.encodeAction(text); throw .actionTooLong(text) }
                let key: Int32
                if let known = distinct.value(for: packed) {
                    key = known
                } else {
                    key = distinctCount
                    distinctCount += 1
                    distinct.insert(key, for: packed)
                    let row: Int
                    if let cached = cache.value(for: packed) {
                        row = Int(cached)
                    } else {
                        row = cachedTokens.count / width
                        cachedTokens += try TextEncoding.encodeAction(text)
                        cache.insert(Int32(row), for: packed)
                    }
                    actionTokens += cachedTokens[row * width ..< (row + 1) * width]
                }
                textOf.append(key)
                stateOf.append(Int32(index))
            }
            offsets.append(Int32(textOf.count))
        }
        let longest = observations.map(\.tokens.count).max() ?? 1
        let observationBatch = TokenBatch(sequences: observations.map(\.tokens), positions: observations.map(\.positions), length: longest)
        return PolicyBatch(observations: observationBatch, actionTokens: actionTokens, distinctActions: Int(distinctCount),
                           offsets: offsets, textOf: textOf, stateOf: stateOf)
    }

    /// `text`'s UTF-8 bytes in one integer, the first in the lowest byte; nil if it has
    /// none, more than `TextEncoding.actionLength`, or a zero byte. Distinct texts that
    /// pack give distinct integers (no byte is zero, so the length is implied). This needs
    /// `actionLength` <= 8, the bytes of a `UInt64`; a test checks it.
    @inline(__always)
    static func pack(_ text: String) -> UInt64? {
        var packed: UInt64 = 0, count = 0
        for byte in text.utf8 {
            guard byte != 0, count < TextEncoding.actionLength else { return nil }
            packed |= UInt64(byte) << UInt64(8 * count)
            count += 1
        }
        return count == 0 ? nil : packed
    }
}

/// A map from nonzero 64-bit keys to `Int32`, by open addressing with linear probing
/// and a multiplicative (Fibonacci) hash. `removeAll` is O(1): entries carry the
/// generation they were written in, so older ones read as empty.
struct PackedTextTable {
    private var keys: [UInt64] = []
    private var values: [Int32] = []
    private var generations: [UInt32] = []
    private var generation: UInt32 = 1
    private var count = 0
    private var shift: UInt64 = 64

    /// Forgets every entry.
    mutating func removeAll() {
        count = 0
        generation &+= 1
        if generation == 0 {  // wrapped: clear the stamps once every 2^32 calls
            generations = [UInt32](repeating: 0, count: generations.count)
            generation = 1
        }
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    func value(for key: UInt64) -> Int32? {
        guard !keys.isEmpty else { return nil }
        let mask = keys.count - 1
        var i = slot(key)
        while generations[i] == generation {
            if keys[i] == key { return values[i] }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Adds `value` for `key`, which must not be present.
    mutating func insert(_ value: Int32, for key: UInt64) {
        if 2 * (count + 1) > keys.count { grow() }
        let mask = keys.count - 1
        var i = slot(key)
        while generations[i] == generation { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        generations[i] = generation
        count += 1
    }

    /// Doubles the capacity (at least 64 slots) and re-inserts the live entries.
    private mutating func grow() {
        let live = (0..<keys.count).filter { generations[$0] == generation }.map { (keys[$0], values[$0]) }
        let capacity = max(64, 2 * keys.count)
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        generations = [UInt32](repeating: 0, count: capacity)
        generation = 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for (key, value) in live { insert(value, for: key) }
    }
}

/// An observation's tokens and position ids (`TextEncoding.encodeObservation`).
public struct EncodedObservation: Sendable, Hashable {
    public let tokens: [Int32]
    public let positions: [Int32]

    public init(_ observation: String) throws(EncodingError) {
        (tokens, positions) = try TextEncoding.encodeObservation(observation)
    }

    /// An observation encoded before (e.g. kept in a checkpoint's `SuccessReplay`).
    init(tokens: [Int32], positions: [Int32]) {
        self.tokens = tokens
        self.positions = positions
    }
}

/// The lab's one network for every game: it reads an observation's text and scores each
/// legal action's text against it, and estimates the mover's return. No part of it is
/// specific to a game, so a new game needs no new parameters and a saved model runs on
/// any game ("One network for every game", DESIGN.md).
///
///     h = encoder(observation)                      (B, C)   MLP, conv or Transformer
///     q = h Wq + bq                                 (B, C)   the state's query
///     k = relu(bag(action characters) + ba) Wk + bk (U, C)   each action text's key
///     logit(state b, action j) = q_b . k_j / sqrt(C)
///     value(b) = h_b Wv + bv
public final class TextPolicyNetwork {
    public let config: ModelConfig
    public let store: ParameterStore
    public let encoder: any FeatureEncoder
    private let queryWeight, queryBias, actionEmbedding, actionBias, keyWeight, keyBias, valueWeight, valueBias: ParameterView

    // Saved by forward for backward.
    private var features: UnsafeMutablePointer<Float>?
    private var last: PolicyBatch?
    private var actionIndices: [Int32] = []
    private var actionMask: [Float] = []
    private let queries = FloatBuffer(), actionPre = FloatBuffer(), actionHidden = FloatBuffer(), keys = FloatBuffer()
    private let logits = FloatBuffer(), values = FloatBuffer()
    private let dQueries = FloatBuffer(), dKeys = FloatBuffer(), dHidden = FloatBuffer(), dPre = FloatBuffer(), dFeatures = FloatBuffer()

    /// A model config for this network: the shared vocabulary and position grid.
    public static func config(architecture: Architecture, width: Int, depth: Int, heads: Int = 4,
                              convolutionLayers: Int = ModelConfig.defaultConvolutionLayers, gameGate: Bool = false,
                              glimpses: Int = 0, glimpseRadius: Int = 1) -> ModelConfig {
        var config = ModelConfig(architecture: architecture, width: width, depth: depth, heads: heads,
                                 vocabularySize: Tokenizer.vocabularySize, maxLength: TextEncoding.positions, actionCount: 1,
                                 gridColumns: TextEncoding.columns)
        if architecture == .conv { config.convolutionLayers = convolutionLayers }
        if gameGate { config.gameGate = true }
        if glimpses != 0 { config.glimpses = glimpses }
        if glimpses != 0 && glimpseRadius != 1 { config.glimpseRadius = glimpseRadius }
        return config
    }

    public init(config: ModelConfig, seed: UInt64) {
        precondition(config.problem == nil, config.problem ?? "")
        self.config = config
        var layout = ParameterLayout()
        switch config.architecture {
        case .mlp, .conv: encoder = MLPEncoder(config: config, layout: &layout)
        case .transformer: encoder = TransformerEncoder(config: config, layout: &layout)
        }
        let c = encoder.outputWidth
        let bound = 1 / Float(c).squareRoot()
        queryWeight = layout.add("policy.query.weight", shape: [c, c], initializer: .uniform(bound: bound), decays: true)
        queryBias = layout.add("policy.query.bias", shape: [c], initializer: .constant(0), decays: false)
        let actionBound = 1 / Float(TextEncoding.actionLength).squareRoot()
        actionEmbedding = layout.add("policy.action.embedding", shape: [TextEncoding.actionLength * config.vocabularySize, c],
                                     initializer: .uniform(bound: actionBound), decays: false)
        actionBias = layout.add("policy.action.bias", shape: [c], initializer: .constant(0), decays: false)
        // Small keys make the first policy nearly uniform (CleanRL initialises its policy
        // head with std 0.01 for the same reason).
        keyWeight = layout.add("policy.key.weight", shape: [c, c], initializer: .uniform(bound: 0.01), decays: true)
        keyBias = layout.add("policy.key.bias", shape: [c], initializer: .constant(0), decays: false)
        valueWeight = layout.add("value.weight", shape: [c, 1], initializer: .uniform(bound: bound), decays: true)
        valueBias = layout.add("value.bias", shape: [1], initializer: .constant(0), decays: false)
        store = ParameterStore(layout: layout, seed: seed)
    }

    public var parameterCount: Int { store.parameterCount }

    /// A network of the same configuration holding a copy of these parameters: what each
    /// extra thread (rollout lane, gradient worker, evaluation worker) plays or differentiates
    /// with, since a network's forward buffers belong to one caller at a time.
    public func copy() -> TextPolicyNetwork {
        let copy = TextPolicyNetwork(config: config, seed: 0)
        copy.copyParameters(from: self)
        return copy
    }

    /// Overwrites these parameters with `other`'s, which must have this configuration
    /// (a copy made by `copy()` brought up to date after an update).
    public func copyParameters(from other: TextPolicyNetwork) {
        precondition(other.store.count == store.count, "copyParameters needs networks of one configuration")
        store.parameters.update(from: other.store.parameters, count: other.store.count)
    }

    /// The game gate's factors (depth x width) for every state whose observation starts
    /// with the line `firstLine` (a game's id; text after a newline is ignored), or nil if
    /// the network has none (only the MLP and conv families with `ModelConfig.gameGate` do).
    public func gameGates(firstLine: String) throws(EncodingError) -> [[Float]]? {
        guard let mlp = encoder as? MLPEncoder else { return nil }
        let line = firstLine.prefix { $0 != "\n" }
        return mlp.gameGates(firstLine: try EncodedObservation(String(line)).tokens, store: store)
    }

    /// The weight each glimpse head gave each character of state `state` of the last
    /// forward (each head's weights sum to 1 over the state's characters), or nil if the
    /// network has no glimpses (`--glimpses`).
    public func glimpseAttention(state: Int) -> [(character: Character, weights: [Float])]? {
        guard let mlp = encoder as? MLPEncoder, let attention = mlp.glimpseAttention(example: state) else { return nil }
        return attention.map { (Character(Tokenizer.decode([$0.token])), $0.weights) }
    }

    /// The outputs of the last forward, valid until the next one.
    public struct Output {
        /// (N) one logit per legal action, grouped by `PolicyBatch.offsets`.
        public let logits: UnsafeMutablePointer<Float>
        /// (B)
        public let values: UnsafeMutablePointer<Float>
    }

    @discardableResult
    public func forward(_ input: PolicyBatch) -> Output {
        let b = input.batch, c = encoder.outputWidth, u = input.distinctActions, n = input.actionCount
        let v = config.vocabularySize, l = TextEncoding.actionLength
        let p = store.parameters
        let h = encoder.forward(.tokens(input.observations), store: store)
        features = h
        last = input
        queries.reserve(b * c); values.reserve(b); logits.reserve(n)
        linearForward(out: queries.pointer, inp: h, weight: p + queryWeight.offset, bias: p + queryBias.offset,
                      rows: b, inFeatures: c, outFeatures: c)
        linearForward(out: values.pointer, inp: h, weight: p + valueWeight.offset, bias: p + valueBias.offset,
                      rows: b, inFeatures: c, outFeatures: 1)
        // The action encoder: a bag of per-position character embeddings, ReLU, linear.
        actionIndices = [Int32](repeating: 0, count: u * l)
        actionMask = [Float](repeating: 0, count: u * l)
        for i in 0..<(u * l) where input.actionTokens[i] != Tokenizer.padding {
            actionIndices[i] = Int32((i % l) * v) + input.actionTokens[i]
            actionMask[i] = 1
        }
        actionPre.reserve(u * c); actionHidden.reserve(u * c); keys.reserve(u * c)
        embeddingBagForward(out: actionPre.pointer, indices: actionIndices, mask: actionMask, table: p + actionEmbedding.offset,
                            batch: u, length: l, channels: c)
        let bias = p + actionBias.offset
        for row in 0..<u { for j in 0..<c { actionPre.pointer[row * c + j] += bias[j] } }
        reluForward(out: actionHidden.pointer, inp: actionPre.pointer, count: u * c)
        linearForward(out: keys.pointer, inp: actionHidden.pointer, weight: p + keyWeight.offset, bias: p + keyBias.offset,
                      rows: u, inFeatures: c, outFeatures: c)
        gatheredDotForward(out: logits.pointer, queries: queries.pointer, keys: keys.pointer, queryOf: input.stateOf,
                           keyOf: input.textOf, count: n, channels: c, scale: 1 / Float(c).squareRoot())
        return Output(logits: logits.pointer, values: values.pointer)
    }

    /// Backpropagates the gradients of the last forward's logits (N) and values (B),
    /// adding into `store.gradients`.
    public func backward(dLogits: UnsafePointer<Float>, dValues: UnsafePointer<Float>) {
        guard let h = features, let input = last else { preconditionFailure("backward before forward") }
        let b = input.batch, c = encoder.outputWidth, u = input.distinctActions, n = input.actionCount
        let l = TextEncoding.actionLength
        let p = store.parameters, g = store.gradients
        dQueries.reserve(b * c); dKeys.reserve(u * c); dHidden.reserve(u * c); dPre.reserve(u * c); dFeatures.reserve(b * c)
        dQueries.zero(b * c); dKeys.zero(u * c); dHidden.zero(u * c); dPre.zero(u * c); dFeatures.zero(b * c)
        gatheredDotBackward(dqueries: dQueries.pointer, dkeys: dKeys.pointer, dout: dLogits, queries: queries.pointer,
                            keys: keys.pointer, queryOf: input.stateOf, keyOf: input.textOf, count: n, channels: c,
                            scale: 1 / Float(c).squareRoot())
        linearBackward(dinp: dHidden.pointer, dweight: g + keyWeight.offset, dbias: g + keyBias.offset, dout: dKeys.pointer,
                       inp: actionHidden.pointer, weight: p + keyWeight.offset, rows: u, inFeatures: c, outFeatures: c)
        reluBackward(din: dPre.pointer, dout: dHidden.pointer, inp: actionPre.pointer, count: u * c)
        let dbias = g + actionBias.offset
        for row in 0..<u { for j in 0..<c { dbias[j] += dPre.pointer[row * c + j] } }
        embeddingBagBackward(dtable: g + actionEmbedding.offset, dout: dPre.pointer, indices: actionIndices, mask: actionMask,
                             batch: u, length: l, channels: c)
        linearBackward(dinp: dFeatures.pointer, dweight: g + queryWeight.offset, dbias: g + queryBias.offset, dout: dQueries.pointer,
                       inp: h, weight: p + queryWeight.offset, rows: b, inFeatures: c, outFeatures: c)
        linearBackward(dinp: dFeatures.pointer, dweight: g + valueWeight.offset, dbias: g + valueBias.offset, dout: dValues,
                       inp: h, weight: p + valueWeight.offset, rows: b, inFeatures: c, outFeatures: 1)
        encoder.backward(dout: dFeatures.pointer, store: store)
    }
}
