import FastMath
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// The loss terms of policy-gradient training, each a forward that returns the
// term's value (a mean over the G states of the batch) and a backward that adds
// `scale` times the term's gradient into dlogp (N, ragged) or dvalue (G).
// A training loss is a weighted sum; pass each term's weight as its `scale`:
//
//     loss = ppo + 0.5 * value - 0.01 * entropy
//     ppoClippedLossBackward(..., scale: 1); valueLossBackward(..., scale: 0.5); entropyBackward(..., scale: -0.01)
//
// Actions are indices within their state's group: the chosen logp of state g is
// logp[offsets[g] + actions[g]].

/// Plain policy gradient (REINFORCE / A2C): mean over states of -logp(a) * advantage.
public func policyGradientLossForward(
    logp: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, actions: UnsafePointer<Int32>,
    advantages: UnsafePointer<Float>, groups g: Int
) -> Float {
    var total: Float = 0
    for s in 0..<g { total -= logp[Int(offsets[s]) + Int(actions[s])] * advantages[s] }
    return total / Float(g)
}

/// dlogp[chosen] += scale * -advantage / G
public func policyGradientLossBackward(
    dlogp: UnsafeMutablePointer<Float>, offsets: UnsafePointer<Int32>, actions: UnsafePointer<Int32>,
    advantages: UnsafePointer<Float>, groups g: Int, scale: Float
) {
    for s in 0..<g { dlogp[Int(offsets[s]) + Int(actions[s])] -= scale * advantages[s] / Float(g) }
}

/// Figures PPO's update reports besides its loss.
public struct PPOLossStatistics: Sendable, Hashable {
    /// Mean over states of max(-A r, -A clip(r, 1 - eps, 1 + eps)), r = pi(a) / pi_old(a).
    public var loss: Float
    /// Fraction of states whose ratio lies outside [1 - eps, 1 + eps].
    public var clipFraction: Float
    /// The low-variance estimator of KL(old || new): mean of (r - 1) - log r (Schulman 2020).
    public var approximateKL: Float
}

/// PPO's clipped surrogate objective (Schulman et al. 2017, eq. 7), as a loss to minimise.
public func ppoClippedLossForward(
    logp: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, actions: UnsafePointer<Int32>,
    oldLogp: UnsafePointer<Float>,         // (G) logp of the chosen action when it was sampled
    advantages: UnsafePointer<Float>, groups g: Int, clip epsilon: Float
) -> PPOLossStatistics {
    var loss: Float = 0, clipped = 0, kl: Float = 0
    for s in 0..<g {
        let logRatio = logp[Int(offsets[s]) + Int(actions[s])] - oldLogp[s]
        let ratio = expf(logRatio)
        let a = advantages[s]
        loss += max(-a * ratio, -a * min(max(ratio, 1 - epsilon), 1 + epsilon))
        if abs(ratio - 1) > epsilon { clipped += 1 }
        kl += (ratio - 1) - logRatio
    }
    let n = Float(g)
    return PPOLossStatistics(loss: loss / n, clipFraction: Float(clipped) / n, approximateKL: kl / n)
}

/// Adds scale * d(PPO loss)/dlogp: -A r / G where the unclipped term is the larger, else 0.
public func ppoClippedLossBackward(
    dlogp: UnsafeMutablePointer<Float>, logp: UnsafePointer<Float>, offsets: UnsafePointer<Int32>,
    actions: UnsafePointer<Int32>, oldLogp: UnsafePointer<Float>, advantages: UnsafePointer<Float>,
    groups g: Int, clip epsilon: Float, scale: Float
) {
    for s in 0..<g {
        let index = Int(offsets[s]) + Int(actions[s])
        let ratio = expf(logp[index] - oldLogp[s])
        let a = advantages[s]
        let unclipped = -a * ratio
        let clippedTerm = -a * min(max(ratio, 1 - epsilon), 1 + epsilon)
        // d(-A r)/dlogp = -A r. The clipped branch is constant in logp when it is active.
        if unclipped >= clippedTerm { dlogp[index] += scale * unclipped / Float(g) }
    }
}

/// Value loss 0.5 * mean((v - R)^2); with `clip`, PPO's clipped form
/// 0.5 * mean(max((v - R)^2, (v_old + clamp(v - v_old, -clip, clip) - R)^2)).
public func valueLossForward(
    values: UnsafePointer<Float>, returns: UnsafePointer<Float>, oldValues: UnsafePointer<Float>?,
    count g: Int, clip: Float? = nil
) -> Float {
    var total: Float = 0
    for s in 0..<g {
        let error = values[s] - returns[s]
        var squared = error * error
        if let clip, let oldValues {
            let clippedValue = oldValues[s] + min(max(values[s] - oldValues[s], -clip), clip)
            let clippedError = clippedValue - returns[s]
            squared = max(squared, clippedError * clippedError)
        }
        total += squared
    }
    return 0.5 * total / Float(g)
}

/// Adds scale * d(value loss)/dv into dvalues.
public func valueLossBackward(
    dvalues: UnsafeMutablePointer<Float>, values: UnsafePointer<Float>, returns: UnsafePointer<Float>,
    oldValues: UnsafePointer<Float>?, count g: Int, clip: Float? = nil, scale: Float
) {
    for s in 0..<g {
        let error = values[s] - returns[s]
        var gradient = error
        if let clip, let oldValues {
            let delta = values[s] - oldValues[s]
            let clippedError = oldValues[s] + min(max(delta, -clip), clip) - returns[s]
            if clippedError * clippedError > error * error {
                // The clipped branch wins; it moves with v only inside the clip range.
                gradient = abs(delta) < clip ? clippedError : 0
            }
        }
        dvalues[s] += scale * gradient / Float(g)
    }
}

/// Mean policy entropy over states: mean over g of -sum over its group of p log p.
public func entropyForward(logp: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, groups g: Int) -> Float {
    var total: Float = 0
    for s in 0..<g {
        for i in Int(offsets[s])..<Int(offsets[s + 1]) { total -= fastExp(logp[i]) * logp[i] }
    }
    return total / Float(g)
}

/// Adds scale * dH/dlogp = scale * -p (log p + 1) / G (log-softmax backward then
/// turns this into the gradient with respect to the logits). With `weights` (G), state
/// s's term is weighted by weights[s]: the gradient of scale * sum_s weights[s] H_s / G.
public func entropyBackward(
    dlogp: UnsafeMutablePointer<Float>, logp: UnsafePointer<Float>, offsets: UnsafePointer<Int32>,
    groups g: Int, scale: Float, weights: UnsafePointer<Float>? = nil
) {
    for s in 0..<g {
        let factor = scale * (weights?[s] ?? 1) / Float(g)
        for i in Int(offsets[s])..<Int(offsets[s + 1]) {
            dlogp[i] -= factor * fastExp(logp[i]) * (logp[i] + 1)
        }
    }
}
