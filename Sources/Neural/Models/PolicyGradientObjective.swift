/// One batch of policy-gradient targets for a network with a fixed action head:
/// which action each state took, its advantage and its return.
public struct PolicyGradientTargets: Sendable, Hashable {
    /// Index of the chosen action per state (B).
    public let actions: [Int32]
    /// Advantage per state (B).
    public let advantages: [Float]
    /// Return (value target) per state (B).
    public let returns: [Float]

    public init(actions: [Int32], advantages: [Float], returns: [Float]) {
        precondition(actions.count == advantages.count && actions.count == returns.count, "target arrays differ in length")
        self.actions = actions
        self.advantages = advantages
        self.returns = returns
    }
}

/// The loss the benchmarks and the whole-model gradient checks use:
///
///     loss = -mean(logp(a) * A) + valueCoefficient * 0.5 * mean((v - R)^2) - entropyCoefficient * mean(H)
///
/// With the default coefficients (1, 0.01) this is exactly the PyTorch reference
/// workload's loss in `shared/bench/torch_workloads.py`.
public final class PolicyGradientObjective {
    public var valueCoefficient: Float
    public var entropyCoefficient: Float
    private let logp = FloatBuffer(), dlogp = FloatBuffer(), dlogits = FloatBuffer(), dvalues = FloatBuffer()
    private var offsets: [Int32] = []

    public init(valueCoefficient: Float = 1, entropyCoefficient: Float = 0.01) {
        self.valueCoefficient = valueCoefficient
        self.entropyCoefficient = entropyCoefficient
    }

    /// Runs forward and backward on `network` (adding into its gradients) and returns the loss.
    @discardableResult
    public func lossAndGradients(_ network: PolicyValueNetwork, input: EncoderInput, targets: PolicyGradientTargets) -> Float {
        let out = network.forward(input)
        let b = out.batch, a = network.config.actionCount, n = b * a
        precondition(targets.actions.count == b, "targets for \(targets.actions.count) states, batch of \(b)")
        precondition(targets.actions.allSatisfy { $0 >= 0 && Int($0) < a }, "an action index is outside 0..<\(a)")
        // Rebuilt when the batch size or the action count changes (one objective may serve several networks).
        if offsets.count != b + 1 || offsets.last != Int32(b * a) { offsets = (0...b).map { Int32($0 * a) } }
        logp.reserve(n); dlogp.reserve(n); dlogits.reserve(n); dvalues.reserve(b)
        dlogp.zero(n); dlogits.zero(n); dvalues.zero(b)
        let (lp, dlp, dlg, dv) = (logp.pointer, dlogp.pointer, dlogits.pointer, dvalues.pointer)
        let (vc, ec) = (valueCoefficient, entropyCoefficient)
        return offsets.withUnsafeBufferPointer { offsetsBuffer in
            targets.actions.withUnsafeBufferPointer { actionsBuffer in
                targets.advantages.withUnsafeBufferPointer { advantagesBuffer in
                    targets.returns.withUnsafeBufferPointer { returnsBuffer in
                        let off = offsetsBuffer.baseAddress!, act = actionsBuffer.baseAddress!
                        let adv = advantagesBuffer.baseAddress!, ret = returnsBuffer.baseAddress!
                        raggedLogSoftmaxForward(logp: lp, logits: out.logits, offsets: off, groups: b)
                        let pg = policyGradientLossForward(logp: lp, offsets: off, actions: act, advantages: adv, groups: b)
                        let value = valueLossForward(values: out.values, returns: ret, oldValues: nil, count: b)
                        let entropy = entropyForward(logp: lp, offsets: off, groups: b)
                        policyGradientLossBackward(dlogp: dlp, offsets: off, actions: act, advantages: adv, groups: b, scale: 1)
                        entropyBackward(dlogp: dlp, logp: lp, offsets: off, groups: b, scale: -ec)
                        raggedLogSoftmaxBackward(dlogits: dlg, dlogp: dlp, logp: lp, offsets: off, groups: b)
                        valueLossBackward(dvalues: dv, values: out.values, returns: ret, oldValues: nil, count: b, scale: vc)
                        network.backward(dLogits: dlg, dValues: dv)
                        return pg + vc * value - ec * entropy
                    }
                }
            }
        }
    }
}
