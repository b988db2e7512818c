import Testing
@testable import Neural

/// Finite-difference checks of every policy-gradient loss term, plus values
/// computed by hand.
@Suite struct LossGradientTests {
    // Three states with 2, 3 and 4 legal actions.
    let offsets: [Int32] = [0, 2, 5, 9]
    let actions: [Int32] = [1, 0, 3]
    let advantages: [Float] = [0.7, -1.2, 0.4]

    /// Log-probabilities of a valid policy (each group normalised).
    func logProbabilities(seed: UInt64) -> TestTensor {
        let logits = tensor(randomValues(9, seed: seed, scale: 2))
        let logp = zeros(9)
        raggedLogSoftmaxForward(logp: logp.pointer, logits: logits.pointer, offsets: offsets, groups: 3)
        return logp
    }

    @Test func policyGradient() {
        let logp = logProbabilities(seed: 1)
        func loss() -> Double {
            Double(policyGradientLossForward(logp: logp.pointer, offsets: offsets, actions: actions, advantages: advantages, groups: 3))
        }
        let lp = logp.array()
        let expected = -(lp[1] * 0.7 + lp[2] * -1.2 + lp[8] * 0.4) / 3
        #expect(abs(loss() - Double(expected)) < 1e-6)
        let dlogp = zeros(9)
        policyGradientLossBackward(dlogp: dlogp.pointer, offsets: offsets, actions: actions, advantages: advantages, groups: 3, scale: 1)
        checkGradient("logp", values: logp.pointer, analytic: dlogp.array(), loss: loss)
    }

    /// Old log-probabilities such that state 0's ratio is inside the clip range,
    /// state 1's is clipped (A < 0, ratio < 1 - eps) and state 2's is clipped (A > 0, ratio > 1 + eps).
    func oldLogp(_ logp: TestTensor) -> [Float] {
        let lp = logp.array()
        return [lp[1] - 0.05, lp[2] + 0.5, lp[8] - 0.5]
    }

    @Test func ppoClippedSurrogate() {
        let logp = logProbabilities(seed: 2)
        let old = oldLogp(logp)
        let epsilon: Float = 0.2
        func loss() -> Double {
            Double(ppoClippedLossForward(logp: logp.pointer, offsets: offsets, actions: actions, oldLogp: old,
                                         advantages: advantages, groups: 3, clip: epsilon).loss)
        }
        let stats = ppoClippedLossForward(logp: logp.pointer, offsets: offsets, actions: actions, oldLogp: old,
                                          advantages: advantages, groups: 3, clip: epsilon)
        // By hand: r0 = e^0.05, r1 = e^-0.5 (A < 0: max(-A r, -A clip) = 1.2 * 0.8), r2 = e^0.5 (A > 0: clip to 1.2).
        let r0 = expf(0.05)
        let expected = (-0.7 * r0 + 1.2 * 0.8 + -0.4 * 1.2) / 3
        #expect(abs(stats.loss - expected) < 1e-5)
        #expect(abs(stats.clipFraction - 2.0 / 3.0) < 1e-6)
        let kl = ((r0 - 1) - 0.05 + (expf(-0.5) - 1) + 0.5 + (expf(0.5) - 1) - 0.5) / 3
        #expect(abs(stats.approximateKL - kl) < 1e-5)
        let dlogp = zeros(9)
        ppoClippedLossBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, actions: actions, oldLogp: old,
                               advantages: advantages, groups: 3, clip: epsilon, scale: 1)
        checkGradient("logp", values: logp.pointer, analytic: dlogp.array(), loss: loss)
        // Clipped states get no gradient at all.
        #expect(dlogp.array()[2] == 0 && dlogp.array()[8] == 0)
        #expect(dlogp.array()[1] != 0)
    }

    @Test func ppoOutsideTheRangeWhereTheUnclippedTermWins() {
        // A > 0 with r < 1 - eps, and A < 0 with r > 1 + eps: the ratio is outside the
        // range, yet the unclipped term is the larger, so the gradient must flow.
        let logp = logProbabilities(seed: 5)
        let lp = logp.array()
        let old: [Float] = [lp[1] + 0.5, lp[2] - 0.5, lp[8]]
        func loss() -> Double {
            Double(ppoClippedLossForward(logp: logp.pointer, offsets: offsets, actions: actions, oldLogp: old,
                                         advantages: advantages, groups: 3, clip: 0.2).loss)
        }
        let dlogp = zeros(9)
        ppoClippedLossBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, actions: actions, oldLogp: old,
                               advantages: advantages, groups: 3, clip: 0.2, scale: 1)
        let g = dlogp.array()
        #expect(abs(g[1] - (-0.7 * expf(-0.5) / 3)) < 1e-6)
        #expect(abs(g[2] - (1.2 * expf(0.5) / 3)) < 1e-6)
        checkGradient("logp", values: logp.pointer, analytic: g, loss: loss)
    }

    @Test(arguments: [false, true])
    func valueLoss(clipped: Bool) {
        let values = tensor([0.5, -0.3, 1.4, 0.0])
        let returns: [Float] = [1.0, -0.2, 0.2, 0.2]
        // State 0 and 2 stay inside the clip range (0.2). State 1 moves past it and its
        // clipped error is the larger (no gradient); state 3 moves past it but its
        // unclipped error is the larger (gradient = error).
        let old: [Float] = [0.45, 0.3, 1.5, 0.5]
        let clip: Float? = clipped ? 0.2 : nil
        func loss() -> Double {
            Double(valueLossForward(values: values.pointer, returns: returns, oldValues: old, count: 4, clip: clip))
        }
        if !clipped {
            let expected = 0.5 * (0.25 + 0.01 + 1.44 + 0.04) / 4
            #expect(abs(loss() - expected) < 1e-6)
        }
        let dvalues = zeros(4)
        valueLossBackward(dvalues: dvalues.pointer, values: values.pointer, returns: returns, oldValues: old, count: 4,
                          clip: clip, scale: 1)
        if clipped {
            #expect(dvalues.array()[1] == 0)
            #expect(abs(dvalues.array()[3] - (-0.2 / 4)) < 1e-6)
        }
        checkGradient("values", values: values.pointer, analytic: dvalues.array(), loss: loss)
    }

    @Test func entropy() {
        let logp = logProbabilities(seed: 3)
        func loss() -> Double { Double(entropyForward(logp: logp.pointer, offsets: offsets, groups: 3)) }
        let dlogp = zeros(9)
        entropyBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: 3, scale: 1)
        checkGradient("logp", values: logp.pointer, analytic: dlogp.array(), loss: loss)
        // A uniform policy over k actions has entropy log k: mean of log 2, log 3, log 4.
        let uniform = tensor([Float](repeating: 0, count: 9))
        let uniformLogp = zeros(9)
        raggedLogSoftmaxForward(logp: uniformLogp.pointer, logits: uniform.pointer, offsets: offsets, groups: 3)
        let h = entropyForward(logp: uniformLogp.pointer, offsets: offsets, groups: 3)
        #expect(abs(h - (logf(2) + logf(3) + logf(4)) / 3) < 1e-6)
    }

    /// Per-state weights (the per-game entropy weighting): the gradient of
    /// sum_s w_s H_s / G, with H_s summed here by hand, state by state.
    @Test func weightedEntropy() {
        let logp = logProbabilities(seed: 5)
        let weights: [Float] = [0.05, 1, 0.3]
        func loss() -> Double {
            var total = 0.0
            for s in 0..<3 {
                var h = 0.0
                for i in Int(offsets[s])..<Int(offsets[s + 1]) { h -= exp(Double(logp.pointer[i])) * Double(logp.pointer[i]) }
                total += Double(weights[s]) * h
            }
            return total / 3
        }
        let dlogp = zeros(9)
        weights.withUnsafeBufferPointer {
            entropyBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: 3, scale: 1, weights: $0.baseAddress!)
        }
        checkGradient("logp", values: logp.pointer, analytic: dlogp.array(), loss: loss)
        // State 0's share is a twentieth of the unweighted one.
        let plain = zeros(9)
        entropyBackward(dlogp: plain.pointer, logp: logp.pointer, offsets: offsets, groups: 3, scale: 1)
        for i in Int(offsets[0])..<Int(offsets[1]) { #expect(abs(dlogp.pointer[i] - 0.05 * plain.pointer[i]) < 1e-6) }
    }

    @Test func entropyThroughLogSoftmaxMatchesLogits() {
        // The chain used in training: d entropy / d logits via log-softmax backward.
        let logits = tensor(randomValues(9, seed: 4, scale: 2))
        let logp = zeros(9)
        func loss() -> Double {
            raggedLogSoftmaxForward(logp: logp.pointer, logits: logits.pointer, offsets: offsets, groups: 3)
            return Double(entropyForward(logp: logp.pointer, offsets: offsets, groups: 3))
        }
        _ = loss()
        let dlogp = zeros(9), dlogits = zeros(9)
        entropyBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: 3, scale: 1)
        raggedLogSoftmaxBackward(dlogits: dlogits.pointer, dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: 3)
        checkGradient("logits", values: logits.pointer, analytic: dlogits.array(), loss: loss)
    }
}

#if canImport(Glibc)
import Glibc
#endif
