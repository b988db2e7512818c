import Dispatch
import GameKit
import Neural

/// What one update reports (logged as a `train` event).
public struct UpdateStatistics: Sendable, Hashable, Codable {
    public var decisions = 0
    public var policyLoss: Float = 0
    public var valueLoss: Float = 0
    public var entropy: Float = 0
    public var approximateKL: Float = 0
    public var clipFraction: Float = 0
    public var gradientNorm: Float = 0
    public var learningRate: Float = 0
    /// Self-imitation's replayed moves that joined the batch (`SuccessReplay`); nil when
    /// self-imitation is off, so logs of runs without it are unchanged.
    public var replayed: Int? = nil
}

/// The policy-gradient update, top to bottom (in the spirit of CleanRL's ppo.py):
///
/// 1. Advantages are scaled per game: the batch mean subtracted, then divided by the
///    larger of the game's running spread and a floor (`AdvantageScaling`; with the
///    default floor of 1 they are only centred, as every game's returns lie in [-1, 1]).
/// 2. For each epoch, the decisions are shuffled and split into minibatches; each one
///    runs the network, the log-softmax over each state's legal actions, and the loss
///
///        PPO:        max(-A r, -A clip(r, 1-eps, 1+eps)) + c_v 0.5 (V - R)^2 - c_e H
///        A2C, REINFORCE: -A log pi(a)                  + c_v 0.5 (V - R)^2 - c_e H
///
///    (with `EntropyWeighting.spread`, c_e is scaled per game: `entropyWeights`),
///    then its backward, global-norm clipping and one AdamW step.
/// A2C and REINFORCE take one epoch of one minibatch (on-policy); REINFORCE's advantages
/// are Monte Carlo returns minus the value baseline (lambda = 1, set by the rollouts).
/// With self-imitation (`SuccessReplay`) replayed task moves join the batch after step 1,
/// with their own advantages (return minus value, unscaled).
public final class PolicyGradientUpdate {
    public let config: TrainingConfig
    public var optimizer: AdamW
    /// One per thread; the first works on the learner's network itself.
    private var workers: [GradientWorker] = []

    public init(config: TrainingConfig) {
        self.config = config
        optimizer = AdamW(learningRate: config.learningRate, epsilon: config.adamEpsilon, weightDecay: 0)
    }

    /// How fast the running advantage variance of `AdvantageScaling.running` forgets: each
    /// update keeps this share of it (a memory of about 100 updates, 200k decisions).
    public static let advantageVarianceDecay = 0.99
    /// The running variance before a game's first update: returns lie in [-1, 1], so a
    /// spread of 1 is about as wide as a game's advantages get, and a game starts by being
    /// scaled down rather than up.
    public static let initialAdvantageVariance = 1.0

    /// Per game, the running variance of `AdvantageScaling.running` (nil before the first
    /// update and for `batch`); saved in checkpoints, so a resumed run scales alike.
    public var advantageVariances: [Double]?

    /// Per-game normalised advantages of `decisions`: mean 0 and standard deviation 1 per
    /// game within this batch (`AdvantageScaling.batch`).
    public static func normalisedAdvantages(_ decisions: [Decision], games: Int) -> [Float] {
        let moments = batchMoments(decisions, games: games)
        return scaled(decisions, mean: moments.mean, spread: moments.variance.map { $0.squareRoot() })
    }

    /// Per-game advantages of `decisions` minus the game's batch mean, divided by its
    /// running spread or by `floor`, whichever is larger (`AdvantageScaling.running`);
    /// `variances` (one per game, nil to start at `initialAdvantageVariance`) first takes in
    /// this batch's variances.
    public static func runningScaledAdvantages(_ decisions: [Decision], games: Int, floor: Double,
                                               variances: inout [Double]?) -> [Float] {
        let moments = batchMoments(decisions, games: games)
        var running = variances ?? [Double](repeating: initialAdvantageVariance, count: games)
        for game in 0..<games where moments.count[game] > 1 {
            running[game] = advantageVarianceDecay * running[game] + (1 - advantageVarianceDecay) * moments.variance[game]
        }
        variances = running
        return scaled(decisions, mean: moments.mean, spread: running.map { max($0.squareRoot(), floor) })
    }

    /// Each game's count, mean and (population) variance of advantages in `decisions`.
    private static func batchMoments(_ decisions: [Decision], games: Int) -> (count: [Double], mean: [Double], variance: [Double]) {
        var sum = [Double](repeating: 0, count: games), squares = sum, counts = sum
        for d in decisions {
            sum[d.game] += Double(d.advantage)
            squares[d.game] += Double(d.advantage) * Double(d.advantage)
            counts[d.game] += 1
        }
        let mean = (0..<games).map { counts[$0] > 0 ? sum[$0] / counts[$0] : 0 }
        let variance = (0..<games).map { counts[$0] > 0 ? max(squares[$0] / counts[$0] - mean[$0] * mean[$0], 0) : 0 }
        return (counts, mean, variance)
    }

    /// Per decision, its entropy bonus's weight relative to `TrainingConfig.entropyCoefficient`
    /// under `EntropyWeighting.spread`: the factor its game's advantages keep after running
    /// scaling, spread / max(spread, floor), at most 1. Nil (every weight 1) for
    /// `EntropyWeighting.uniform` and for batch scaling, which scales every game to 1.
    public static func entropyWeights(_ decisions: [Decision], config: TrainingConfig, variances: [Double]?) -> [Float]? {
        guard config.entropyWeighting == .spread, config.advantageScaling == .running, let variances else { return nil }
        let factor = variances.map { variance -> Float in
            let spread = variance.squareRoot()
            return Float(spread / max(spread, config.advantageFloor, 1e-8))
        }
        return decisions.map { factor[$0.game] }
    }

    private static func scaled(_ decisions: [Decision], mean: [Double], spread: [Double]) -> [Float] {
        decisions.map { d in Float((Double(d.advantage) - mean[d.game]) / (spread[d.game] + 1e-8)) }
    }

    /// Updates `network` on `decisions` with the learning rate `learningRate`. `replayed`
    /// (self-imitation, `SuccessReplay`) join the batch with their advantages as they are:
    /// they take no part in the per-game centring and scaling of `decisions`.
    public func update(_ network: TextPolicyNetwork, on batch: [Decision], replayed: [Decision] = [], games: Int,
                       learningRate: Float, rng: inout SeededGenerator) throws(EncodingError) -> UpdateStatistics {
        optimizer.learningRate = learningRate
        var advantages = switch config.advantageScaling {
        case .batch: PolicyGradientUpdate.normalisedAdvantages(batch, games: games)
        case .running: PolicyGradientUpdate.runningScaledAdvantages(batch, games: games, floor: config.advantageFloor,
                                                                           variances: &advantageVariances)
        }
        var decisions = batch
        if !replayed.isEmpty {
            decisions += replayed
            advantages += replayed.map(\.advantage)
        }
        let entropyWeights = PolicyGradientUpdate.entropyWeights(decisions, config: config, variances: advantageVariances)
        let ppo = config.algorithm == .ppo
        let epochs = ppo ? config.epochs : 1, minibatches = ppo ? min(config.minibatches, decisions.count) : 1
        var statistics = UpdateStatistics(decisions: batch.count, learningRate: learningRate)
        if config.selfImitation > 0 { statistics.replayed = replayed.count }
        var steps: Float = 0
        var order = Array(decisions.indices)
        for _ in 0..<epochs {
            // Shuffled with the run's generator, so the same seed gives the same update.
            rng.shuffle(&order)
            for m in 0..<minibatches {
                let part = Array(order[(m * order.count / minibatches)..<((m + 1) * order.count / minibatches)])
                guard !part.isEmpty else { continue }
                let step = try minibatchStep(network, part.map { decisions[$0] }, part.map { advantages[$0] },
                                             entropyWeights.map { weights in part.map { weights[$0] } }, ppo: ppo)
                statistics.policyLoss += step.policyLoss
                statistics.valueLoss += step.valueLoss
                statistics.entropy += step.entropy
                statistics.approximateKL += step.approximateKL
                statistics.clipFraction += step.clipFraction
                statistics.gradientNorm += step.gradientNorm
                steps += 1
            }
        }
        for keyPath in [\UpdateStatistics.policyLoss, \.valueLoss, \.entropy, \.approximateKL, \.clipFraction, \.gradientNorm] {
            statistics[keyPath: keyPath] /= max(steps, 1)
        }
        return statistics
    }

    /// One gradient step on one minibatch: each worker computes the gradient of its share
    /// (the first on `network` itself, the others on copies), the gradients are summed in
    /// worker order (so the result depends on the thread count, not on timing), then
    /// clipped and applied once.
    private func minibatchStep(_ network: TextPolicyNetwork, _ part: [Decision], _ advantages: [Float], _ entropyWeights: [Float]?,
                               ppo: Bool) throws(EncodingError) -> UpdateStatistics {
        let count = min(config.threads, part.count)
        while workers.count < count {
            workers.append(GradientWorker(network: workers.isEmpty ? network : network.copy()))
        }
        for worker in workers.dropFirst().prefix(count - 1) { worker.network.copyParameters(from: network) }
        let shares = (0..<count).map { i in (i * part.count / count)..<((i + 1) * part.count / count) }
        let active = Array(workers.prefix(count))
        let config = self.config
        let results = UnsafeResults(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let range = shares[i]
            results.set(i, Result { () throws(EncodingError) -> UpdateStatistics in
                try active[i].gradient(Array(part[range]), Array(advantages[range]), entropyWeights.map { Array($0[range]) },
                                       weight: Float(range.count) / Float(part.count), config: config, ppo: ppo)
            })
        }
        var total = UpdateStatistics(decisions: part.count)
        let g = network.store.gradients
        for i in active.indices {
            let statistics = try results.get(i)
            let weight = Float(shares[i].count) / Float(part.count)
            total.policyLoss += weight * statistics.policyLoss
            total.valueLoss += weight * statistics.valueLoss
            total.entropy += weight * statistics.entropy
            total.approximateKL += weight * statistics.approximateKL
            total.clipFraction += weight * statistics.clipFraction
        }
        // The workers' gradients summed into the first's, in worker order for every element
        // (so the sum does not depend on timing), each thread over its own slice.
        if active.count > 1 {
            let sum = GradientSum(target: g, sources: active.dropFirst().map { $0.network.store.gradients })
            let n = network.store.count, slices = active.count
            DispatchQueue.concurrentPerform(iterations: slices) { s in
                sum.add(range: (s * n / slices)..<((s + 1) * n / slices))
            }
        }
        total.gradientNorm = network.store.clipGradientNorm(config.maxGradientNorm)
        optimizer.update(network.store, threads: config.threads)
        return total
    }
}

/// Adds the other workers' gradients into the first's over a range of elements; ranges
/// handed to different threads do not overlap.
private struct GradientSum: @unchecked Sendable {
    let target: UnsafeMutablePointer<Float>
    let sources: [UnsafeMutablePointer<Float>]

    func add(range: Range<Int>) {
        for source in sources { for j in range { target[j] += source[j] } }
    }
}

/// The results of the workers of one step, each written by its own thread only.
private final class UnsafeResults: @unchecked Sendable {
    private var results: [Result<UpdateStatistics, EncodingError>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<UpdateStatistics, EncodingError>) { results[index] = result }
    func get(_ index: Int) throws(EncodingError) -> UpdateStatistics { try results[index]!.get() }
}

/// One thread's share of a gradient step: its network (a copy of the learner's, or the
/// learner itself), a batch builder and the loss buffers. Used by one thread at a time.
final class GradientWorker: @unchecked Sendable {
    let network: TextPolicyNetwork
    private var builder = PolicyBatchBuilder()
    private let logp = FloatBuffer(), dlogp = FloatBuffer(), dlogits = FloatBuffer(), dvalues = FloatBuffer()

    init(network: TextPolicyNetwork) { self.network = network }

    /// Zeroes the network's gradients and fills them with `weight` times the gradient of
    /// the loss over `part` (so the weighted shares add up to the whole minibatch's mean).
    /// `entropyWeights` (one per decision, nil for all 1) weight each decision's entropy bonus.
    func gradient(_ part: [Decision], _ advantages: [Float], _ entropyWeights: [Float]?, weight: Float, config: TrainingConfig,
                  ppo: Bool) throws(EncodingError) -> UpdateStatistics {
        let batch = try builder.batch(part.map(\.observation), actions: part.map(\.actions))
        let g = batch.batch, n = batch.actionCount
        let out = network.forward(batch)
        logp.reserve(n); dlogp.reserve(n); dlogits.reserve(n); dvalues.reserve(g)
        dlogp.zero(n); dlogits.zero(n); dvalues.zero(g)
        let chosen = part.map(\.chosen), oldLogp = part.map(\.logp), targets = part.map(\.valueTarget)
        var result = UpdateStatistics(decisions: g)
        network.store.zeroGradients()
        batch.offsets.withUnsafeBufferPointer { offsetBuffer in
            let offsets = offsetBuffer.baseAddress!
            raggedLogSoftmaxForward(logp: logp.pointer, logits: out.logits, offsets: offsets, groups: g)
            if ppo {
                let stats = ppoClippedLossForward(logp: logp.pointer, offsets: offsets, actions: chosen, oldLogp: oldLogp,
                                                  advantages: advantages, groups: g, clip: config.clip)
                result.policyLoss = stats.loss
                result.approximateKL = stats.approximateKL
                result.clipFraction = stats.clipFraction
                ppoClippedLossBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, actions: chosen, oldLogp: oldLogp,
                                       advantages: advantages, groups: g, clip: config.clip, scale: weight)
            } else {
                result.policyLoss = policyGradientLossForward(logp: logp.pointer, offsets: offsets, actions: chosen,
                                                              advantages: advantages, groups: g)
                policyGradientLossBackward(dlogp: dlogp.pointer, offsets: offsets, actions: chosen, advantages: advantages,
                                           groups: g, scale: weight)
            }
            result.entropy = entropyForward(logp: logp.pointer, offsets: offsets, groups: g)
            if let entropyWeights {
                entropyWeights.withUnsafeBufferPointer {
                    entropyBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: g,
                                    scale: -config.entropyCoefficient * weight, weights: $0.baseAddress!)
                }
            } else {
                entropyBackward(dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: g, scale: -config.entropyCoefficient * weight)
            }
            raggedLogSoftmaxBackward(dlogits: dlogits.pointer, dlogp: dlogp.pointer, logp: logp.pointer, offsets: offsets, groups: g)
        }
        result.valueLoss = valueLossForward(values: out.values, returns: targets, oldValues: nil, count: g)
        valueLossBackward(dvalues: dvalues.pointer, values: out.values, returns: targets, oldValues: nil, count: g,
                          scale: config.valueCoefficient * weight)
        network.backward(dLogits: dlogits.pointer, dValues: dvalues.pointer)
        return result
    }
}
