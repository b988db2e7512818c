/// A policy/value network: an encoder (MLP or Transformer) with a policy head of
/// `actionCount` logits and a scalar value head, all parameters in one store.
///
///     let net = PolicyValueNetwork(config: config, seed: 1)
///     let out = net.forward(.tokens(batch))      // logits (B, A), values (B)
///     net.store.zeroGradients()
///     net.backward(dLogits: dl, dValues: dv)      // adds into net.store.gradients
public final class PolicyValueNetwork {
    public let config: ModelConfig
    public let store: ParameterStore
    public let encoder: any FeatureEncoder
    private let policyWeight, policyBias, valueWeight, valueBias: ParameterView  // (C, A), (A), (C, 1), (1)

    // (B, C), owned by the encoder: valid until the encoder's next forward, so call
    // `backward` before running `encoder` on another batch.
    private var features: UnsafeMutablePointer<Float>?
    private var batch = 0
    private let logits = FloatBuffer()          // (B, A)
    private let values = FloatBuffer()          // (B)
    private let dFeatures = FloatBuffer()       // (B, C)

    /// Builds the network described by `config` with parameters drawn from `seed`.
    public init(config: ModelConfig, seed: UInt64) {
        precondition(config.problem == nil, config.problem ?? "")
        self.config = config
        var layout = ParameterLayout()
        switch config.architecture {
        case .mlp, .conv: encoder = MLPEncoder(config: config, layout: &layout)
        case .transformer: encoder = TransformerEncoder(config: config, layout: &layout)
        }
        let c = encoder.outputWidth
        // Small initial logits keep the first policy near uniform (CleanRL initialises
        // the policy head with std 0.01 for the same reason).
        policyWeight = layout.add("policy.weight", shape: [c, config.actionCount], initializer: .uniform(bound: 0.01), decays: true)
        policyBias = layout.add("policy.bias", shape: [config.actionCount], initializer: .constant(0), decays: false)
        let bound = 1 / Float(c).squareRoot()
        valueWeight = layout.add("value.weight", shape: [c, 1], initializer: .uniform(bound: bound), decays: true)
        valueBias = layout.add("value.bias", shape: [1], initializer: .constant(0), decays: false)
        store = ParameterStore(layout: layout, seed: seed)
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { store.parameterCount }

    /// The outputs of the last forward pass, valid until the next one.
    public struct Output {
        /// (B, A) row-major: state b's logits are `logits[b * A ..< (b + 1) * A]`.
        public let logits: UnsafeMutablePointer<Float>
        /// (B)
        public let values: UnsafeMutablePointer<Float>
        public let batch: Int
    }

    /// Runs the network on a batch.
    @discardableResult
    public func forward(_ input: EncoderInput) -> Output {
        let b = input.batch, c = encoder.outputWidth, a = config.actionCount
        let p = store.parameters
        let h = encoder.forward(input, store: store)
        features = h
        batch = b
        logits.reserve(b * a)
        values.reserve(b)
        linearForward(out: logits.pointer, inp: h, weight: p + policyWeight.offset, bias: p + policyBias.offset,
                      rows: b, inFeatures: c, outFeatures: a)
        linearForward(out: values.pointer, inp: h, weight: p + valueWeight.offset, bias: p + valueBias.offset,
                      rows: b, inFeatures: c, outFeatures: 1)
        return Output(logits: logits.pointer, values: values.pointer, batch: b)
    }

    /// Backpropagates the gradients of the last forward's outputs into `store.gradients` (adding).
    public func backward(dLogits: UnsafePointer<Float>, dValues: UnsafePointer<Float>) {
        guard let h = features else { preconditionFailure("backward before forward") }
        let b = batch, c = encoder.outputWidth, a = config.actionCount
        let p = store.parameters, g = store.gradients
        dFeatures.reserve(b * c)
        dFeatures.zero(b * c)
        linearBackward(dinp: dFeatures.pointer, dweight: g + policyWeight.offset, dbias: g + policyBias.offset, dout: dLogits,
                       inp: h, weight: p + policyWeight.offset, rows: b, inFeatures: c, outFeatures: a)
        linearBackward(dinp: dFeatures.pointer, dweight: g + valueWeight.offset, dbias: g + valueBias.offset, dout: dValues,
                       inp: h, weight: p + valueWeight.offset, rows: b, inFeatures: c, outFeatures: 1)
        encoder.backward(dout: dFeatures.pointer, store: store)
    }
}
