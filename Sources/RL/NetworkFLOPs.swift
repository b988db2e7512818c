import GameKit
import Neural

/// Floating-point operations the text policy network spends on one decision: one
/// observation of `tokens` characters and its `actions` legal actions, counted from the
/// layer shapes (the scaling literature's convention, Kaplan et al. 2020, appendix).
///
/// Convention:
/// - A product of an (m, k) and a (k, n) matrix is 2·m·k·n FLOPs (a multiply and an add
///   per term); so is every other multiply-add: the MLP's first layer (2·T·D·H, it visits
///   only the present tokens), attention's scores Q·Kᵀ and its weighted sum A·V
///   (2·T²·C each per block, over all heads), the logits q·k (2·C per action).
/// - Not counted: bias adds, activations, layer norms, softmax, embedding lookups and the
///   action encoder's bag of character embeddings (adds only), the game gate (a product
///   per hidden unit, and its gates computed once per distinct id line of a batch), the
///   glimpses' per-character means (adds) and their heads' weighted sums of them (only
///   their projection into the first layer is counted), the loss, the optimizer.
///   At the widths the lab uses they are a few percent of the matrix products.
/// - Backward is twice forward (the gradient of each product with respect to its input
///   and to its weights is a product of the same size).
/// - Sizes are the decision's own: T real observation tokens and one key per legal
///   action. A batch pads observations to its longest and deduplicates action texts
///   (`PolicyBatch`), so the work done differs a little from this model count.
///
///     let f = NetworkFLOPs(config: TextPolicyNetwork.config(architecture: .mlp, width: 64, depth: 2),
///                          tokens: 12, actions: 9)
///     f.forward, f.backward   // FLOPs for one decision
public struct NetworkFLOPs: Sendable, Hashable {
    public var forward: Double
    public var backward: Double { 2 * forward }
    /// Forward plus backward: one decision in a gradient step.
    public var training: Double { 3 * forward }

    public init(forward: Double) { self.forward = forward }

    /// The count for a network of shape `config` on one decision.
    public init(config: ModelConfig, tokens: Int, actions: Int) {
        precondition(config.denseFeatures == nil, "the text policy reads tokens")
        let c = Double(config.width), t = Double(tokens), a = Double(actions)
        var encoder: Double
        switch config.architecture {
        case .mlp, .conv:
            // First layer: each present token's D-wide embedding times its (D, H) rows of W0;
            // then depth - 1 (H, H) layers.
            let d = Double(config.embeddingWidth)
            encoder = 2 * t * d * c + Double(config.depth - 1) * 2 * c * c
            if config.architecture == .conv {
                // The convolutional path: per character cell and layer a (9D, D) product, then
                // the pooled (2D) features times (2D, H).
                let convolutions: Double = Double(config.convolutionDepth) * 18 * t * d * d
                let projection: Double = 4 * d * c
                encoder += convolutions + projection
            }
            if config.glimpseCount > 0 {
                // Glimpses: each head's place and window, K (2 + W D'') features with W =
                // (2r + 1)^2 and D'' = min(8, D), times (K (2 + W D''), H).
                encoder += 2 * Double(config.glimpseCount * config.glimpseFeaturesPerHead) * c
            }
        case .transformer:
            // Per block: qkv (C, 3C), proj (C, C), fc1 (C, F), fc2 (F, C) on every token;
            // scores Q·Kᵀ and the sum A·V, 2·T·T·(C/heads) each per head.
            let f = c * Double(config.feedForwardMultiple)
            let perBlock = 2 * t * (3 * c * c + c * c + 2 * c * f) + 2 * (2 * t * t * c)
            encoder = Double(config.depth) * perBlock
        }
        // Head: the state's query (C, C) and value (C, 1); per action its key (C, C) and
        // its logit q·k (C).
        let head = 2 * c * c + 2 * c + a * (2 * c * c + 2 * c)
        forward = encoder + head
    }
}

/// The training compute of a run, from its config and its decision count, so that it can
/// be computed for any run directory after the fact (old logs included).
///
///     compute = decisions × (F + epochs × 3F)
///
/// where F is the forward FLOPs of a typical decision (`NetworkFLOPs`, averaged over the
/// run's games), the first F is the rollout's forward pass that chose the move, and each
/// of PPO's `epochs` passes over the batch does a forward and a backward (3F) on every
/// decision (A2C and REINFORCE: one pass). Forward passes of pool opponents and of
/// evaluations are not training compute and are not counted.
public enum TrainingCompute {
    /// Forward FLOPs of an average decision in `game`: the mean of `NetworkFLOPs` over the
    /// states of `games` uniformly random playouts (seeded, so the figure is the same on
    /// every machine). The states a trained policy visits differ; board observations have
    /// a fixed size, so mainly the number of legal actions moves.
    public static func forwardFLOPsPerDecision(config: ModelConfig, game: AnyGame, hideGameID: Bool = false,
                                               games: Int = 8, seed: UInt64 = 0) -> Double {
        var rng = SeededGenerator(seed: seed)
        var total = 0.0, states = 0
        for index in 0..<games {
            var state = game.initialState(seed: seed &+ UInt64(index))
            var moves = 0
            while !game.isTerminal(state) && moves < game.maxLength {
                let actions = game.legalActionIDs(in: state)
                // Registered games always encode (their conformance test checks it).
                let tokens = (try? EncodedObservation(game.observation(of: state, showingID: !hideGameID)))?.tokens.count ?? 0
                total += NetworkFLOPs(config: config, tokens: tokens, actions: actions.count).forward
                states += 1
                game.play(actions[Int(rng.next() % UInt64(actions.count))], in: &state)
                moves += 1
            }
        }
        return states == 0 ? 0 : total / Double(states)
    }

    /// Gradient-step passes over each decision: PPO's epochs, else 1.
    public static func passes(_ config: TrainingConfig) -> Int { config.algorithm == .ppo ? config.epochs : 1 }

    /// The FLOPs of training `config` for `decisions` learner decisions. Games get equal
    /// weight: each environment slot makes one decision per step whatever its game, and
    /// slots draw their games uniformly.
    public static func flops(config: TrainingConfig, games: [AnyGame], decisions: Int) -> Double {
        precondition(!games.isEmpty, "a run trains on at least one game")
        let model = config.model
        let perDecision = games.map { forwardFLOPsPerDecision(config: model, game: $0, hideGameID: config.hideGameID) }
            .reduce(0, +) / Double(games.count)
        return Double(decisions) * perDecision * (1 + 3 * Double(passes(config)))
    }
}
