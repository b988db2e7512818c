import Neural

/// Everything that defines a training run; saved as the run's `config.json` and inside
/// every checkpoint, so a run can be resumed and compared.
public struct TrainingConfig: Codable, Sendable, Hashable {
    /// Registered game ids, in the order games are numbered in logs.
    public var games: [String]
    public var architecture: Architecture = .mlp
    public var width = 128
    public var depth = 2
    public var heads = 4
    /// The conv family's 3x3 convolution layers (ignored by the other families).
    public var convolutionLayers = ModelConfig.defaultConvolutionLayers
    /// MLP and conv: gate every hidden layer by the observation's first line, the game's id
    /// (`GameGate`; off by default).
    public var gameGate = false
    /// MLP and conv: heads that each find a character on the grid and read its place and
    /// 3x3 window into the first layer (`Glimpses`; 0, the default, means none).
    public var glimpses = 0
    /// How far each glimpse's window reaches: a (2r + 1) x (2r + 1) window (1: 3x3).
    public var glimpseRadius = 1
    public var algorithm: RL.Algorithm = .ppo
    public var seed: UInt64 = 1
    /// Games played side by side; every step evaluates their learner movers in one network
    /// call per rollout lane (see `threads`).
    public var environments = 64
    /// Decisions (learner moves) gathered before each update.
    public var decisionsPerUpdate = 2048
    /// PPO: passes over each batch, and minibatches per pass (A2C and REINFORCE use 1 and 1).
    public var epochs = 4
    public var minibatches = 4
    public var learningRate: Float = 1e-3
    /// Discount and GAE's lambda (REINFORCE uses lambda 1: Monte Carlo returns).
    public var gamma: Float = 0.99
    public var lambda: Float = 0.95
    /// PPO's clip range, the value loss weight, the entropy bonus weight, the gradient norm limit.
    public var clip: Float = 0.2
    public var valueCoefficient: Float = 0.5
    public var entropyCoefficient: Float = 0.01
    public var maxGradientNorm: Float = 0.5
    /// AdamW's epsilon, added to the root of the second moment (CleanRL's PPO: 1e-5). A
    /// parameter whose gradients are much smaller than it takes steps much smaller than
    /// the learning rate, so a larger value damps steps driven by noise-sized gradients.
    public var adamEpsilon: Float = 1e-5
    /// Hide the id line of every observation (the ablation "must the network be told which game it plays?").
    public var hideGameID = false
    /// Self-play: the share of two-player games the current network plays against itself;
    /// the others are against a snapshot drawn uniformly from the pool.
    public var selfPlayShare = 0.5
    /// The share of two-player games played against a uniformly random player.
    public var randomOpponentShare = 0.2
    /// Two-player games against the network itself or the pool start after a uniformly
    /// random number (0 to this) of uniformly random moves, which are not learned from.
    /// Self-play between near-deterministic players otherwise replays a few lines, and the
    /// network never learns to defend positions strong opponents reach (0 turns this off).
    public var randomOpeningPlies = 4
    /// A snapshot of the network joins the opponent pool every this many updates; the pool
    /// keeps the newest `poolSize`.
    public var snapshotEvery = 5
    public var poolSize = 8
    /// How a slot that starts a new game chooses it (see `GameSampling`).
    public var gameSampling: GameSampling = .decisions
    /// Relative sampling weights of games, by game id; a game not listed has weight 1. A
    /// game of weight 3 is drawn three times as often as under `gameSampling` alone (with
    /// the default `.decisions` it gets about three times the decisions of a weight-1 game;
    /// with `.episodes`, three times the games), and a game of weight 0 is never drawn: no
    /// decision of it is learned, though it is still evaluated. Weights are 0 or lie in
    /// [`GameWeights.smallest`, `GameWeights.largest`]. Empty, the default: every game alike.
    ///
    /// Why: a game's share of the gradient is its share of the decisions. Drawing a game
    /// more often gives it a larger share without scaling its advantages (which, for the
    /// tasks, scales noise up: see `advantageFloor`). `GameWeights.parse` reads them from
    /// the command line, where groups such as `tasks` are resolved to game ids.
    public var gameWeights: [String: Double] = [:]
    /// What each game's advantages are divided by before the loss (see `AdvantageScaling`).
    public var advantageScaling: AdvantageScaling = .running
    /// `AdvantageScaling.running` divides by at least this, so a game whose advantages are
    /// mostly the value function's noise is not scaled up past 1 / floor (the default 1:
    /// advantages are centred, never scaled up; 0: scaled to a running spread of 1).
    public var advantageFloor = 1.0
    /// How each game's entropy bonus is weighted (see `EntropyWeighting`).
    public var entropyWeighting: EntropyWeighting = .uniform
    /// Single-player tasks: an intrinsic reward for each move that reaches an observation
    /// not seen before in the same episode (an episodic count bonus; 0 turns it off).
    ///
    /// Why: a task whose random walk rarely succeeds (key-door-9x9: 2%, lava-9x9: under 1%)
    /// gives the policy gradient almost no episode to learn from. The bonus rewards covering
    /// new ground at every step, which is learnable from the first update, and a policy that
    /// covers the level finds the goal far more often than one that wanders back and forth.
    /// The move that ends the episode gets the game's return instead (the final observation
    /// is never read). The bonus is not shaped away: each new observation is worth
    /// `noveltyBonus` against a success worth 1 - 0.9 x steps / budget, so at 0.01 a 9x9
    /// level's 100-odd observations could outweigh reaching the goal, and the policy may
    /// trade path length for coverage. It changes only what is learned from (and with it
    /// the value loss and the logged advantage spreads): results, evaluations and logged
    /// returns are the games' own rewards. Two-player games never get it.
    public var noveltyBonus: Float = 0
    /// Single-player tasks: moves of rewarded episodes drawn for replay in each update;
    /// those whose return beats the network's value join the PPO batch (`SuccessReplay`;
    /// 0, the default, turns it off and leaves a run as it was).
    public var selfImitation = 0
    /// Single-player tasks: the share of training episodes that start part way along the
    /// solver's shortest solution, moved back as the network learns (`Backplay`; 0, the
    /// default, turns it off and leaves a run as it was; below 1, so some episodes always
    /// start at the level's start and give the logged returns).
    public var backplay = 0.0
    /// Threads that share each gradient step (data parallel) and rollout lanes that step
    /// the games in play (`SelfPlayRollouts.step`); the same seed and thread count give the
    /// same run, another thread count another one.
    public var threads = 2
    /// Updates between checkpoints; at each one every game in play restarts (see `Checkpoint`).
    public var checkpointEvery = 25

    public init(games: [String]) { self.games = games }

    /// The network this config trains.
    public var model: ModelConfig {
        TextPolicyNetwork.config(architecture: architecture, width: width, depth: depth, heads: heads, convolutionLayers: convolutionLayers,
                                 gameGate: gameGate, glimpses: glimpses, glimpseRadius: glimpseRadius)
    }

    /// Each game's sampling weight, in the order of `games` (see `gameWeights`).
    public var gameWeightList: [Double] { games.map { gameWeights[$0] ?? 1 } }

    /// Why the config cannot be trained, or nil.
    public var problem: String? {
        if games.isEmpty { return "no games" }
        if let unknown = gameWeights.keys.sorted().first(where: { !games.contains($0) }) {
            return "a game weight is given for '\(unknown)', which the run does not train; its games: \(games.joined(separator: ", "))"
        }
        for (id, weight) in gameWeights.sorted(by: { $0.key < $1.key }) {
            if let problem = GameWeights.problem(with: weight) { return "\(problem) for \(id)" }
        }
        if !gameWeightList.contains(where: { $0 > 0 }) { return "every game has weight 0: at least one must be trained" }
        if let problem = model.problem { return problem }
        if environments < 1 { return "environments must be at least 1 (got \(environments))" }
        if decisionsPerUpdate < 1 { return "decisions per update must be at least 1 (got \(decisionsPerUpdate))" }
        if epochs < 1 || minibatches < 1 { return "epochs and minibatches must be at least 1 (got \(epochs) and \(minibatches))" }
        if !(clip > 0 && clip < 1) { return "PPO's clip range must lie in (0, 1) (got \(clip))" }
        if !(valueCoefficient >= 0 && valueCoefficient.isFinite) || !(entropyCoefficient >= 0 && entropyCoefficient.isFinite) {
            return "the value and entropy weights must be 0 or more (got \(valueCoefficient) and \(entropyCoefficient))"
        }
        if selfImitation < 0 || selfImitation > decisionsPerUpdate {
            return "self-imitation replays 0 to decisions-per-update (\(decisionsPerUpdate)) moves per update (got \(selfImitation))"
        }
        if selfImitation > 0 && noveltyBonus > 0 {
            return "self-imitation keeps the moves whose return is positive, which the novelty bonus makes every task move; use one of the two"
        }
        if !(backplay >= 0 && backplay < 1) {
            return "the backplay share must lie in [0, 1): the rest of the tasks' episodes start at the level's start (got \(backplay))"
        }
        if !(noveltyBonus >= 0 && noveltyBonus <= 1) { return "the novelty bonus must lie in [0, 1] (got \(noveltyBonus))" }
        if !(adamEpsilon > 0 && adamEpsilon.isFinite) { return "Adam's epsilon must be positive (got \(adamEpsilon))" }
        if !(maxGradientNorm > 0 && maxGradientNorm.isFinite) { return "the gradient norm limit must be positive (got \(maxGradientNorm))" }
        if !(learningRate > 0) { return "learning rate must be positive (got \(learningRate))" }
        if !(0...1).contains(gamma) || !(0...1).contains(lambda) { return "gamma and lambda must lie in [0, 1]" }
        if !(0...1).contains(selfPlayShare) || !(0...1).contains(randomOpponentShare) {
            return "self-play and random-opponent shares must lie in [0, 1]"
        }
        if !(advantageFloor >= 0 && advantageFloor.isFinite) { return "the advantage floor must be 0 or more (got \(advantageFloor))" }
        if randomOpeningPlies < 0 { return "random opening plies must be at least 0 (got \(randomOpeningPlies))" }
        if snapshotEvery < 1 || poolSize < 1 { return "snapshot interval and pool size must be at least 1" }
        if !(1...64).contains(threads) { return "threads must be between 1 and 64 (got \(threads))" }
        if checkpointEvery < 1 { return "checkpoint interval must be at least 1 update (got \(checkpointEvery))" }
        return nil
    }
}

/// How the games of a run share its training.
///
/// Games differ in length by a factor of twenty (tic-tac-toe ends within 9 moves, a
/// failed 11x11 maze after 242, go-lite-9x9 after a hundred or more), and a slot that
/// draws a long game is busy with it for longer. Drawing games uniformly per episode
/// therefore gives long games most of the data: in the first `--games all` runs
/// tic-tac-toe got about one decision in a hundred.
public enum GameSampling: String, Codable, Sendable, CaseIterable {
    /// Every game gets the same expected share of the learner's decisions: a new game is
    /// drawn with probability proportional to 1 / (its mean learner decisions per game),
    /// a running mean kept by the rollouts (`SelfPlayRollouts.decisionsPerGame`), times
    /// its weight when `TrainingConfig.gameWeights` sets one.
    case decisions
    /// Every game is drawn with the same probability when a slot starts a new one (or in
    /// proportion to its weight when `TrainingConfig.gameWeights` sets one).
    case episodes
}

/// What each game's advantages are divided by, after subtracting the game's batch mean.
///
/// DESIGN asks for returns normalised per game, so that no game dominates the gradient.
/// Every game's returns lie in [-1, 1] (tasks in [0, 1]), so their scales already agree
/// within a small factor; the default (`running` with floor 1) therefore only centres
/// each game's advantages and scales down the rare game whose spread exceeds 1. Lower
/// floors scale games up towards a spread of 1, as batch normalisation did.
///
/// A joint run's batch of 2,048 decisions (this type's default; `play train` collects
/// 8,192) holds about 80 decisions of each of 25 games: for a grid task that is two or
/// three 32-step pieces of episodes, and most such batches hold no success at all. Their advantages are then only the value function's own errors, and
/// dividing them by their own spread (`batch`) turns that noise into a policy gradient as
/// strong as a board game's real signal.
public enum AdvantageScaling: String, Codable, Sendable, CaseIterable {
    /// The game's running spread: the square root of an exponential moving average, over
    /// updates, of the variance of its advantages within each batch (decay
    /// `PolicyGradientUpdate.advantageVarianceDecay`, starting at 1, the spread of returns
    /// in [-1, 1] at its widest), or `TrainingConfig.advantageFloor`, whichever is larger.
    /// A batch without a success is then scaled like the batches that had one, and the
    /// floor keeps a game whose batches hardly ever hold a reward from being scaled up
    /// until its noise is as loud as a board game's signal (with the default floor of 1
    /// no game is scaled up at all).
    case running
    /// The game's spread within this batch (mean 0, standard deviation 1 per game and batch).
    case batch
}

/// How the entropy bonus (`TrainingConfig.entropyCoefficient`) is weighted per game.
///
/// CleanRL's weight of 0.01 is set against advantages of spread 1. With running scaling
/// and a floor, a game whose advantages are small keeps them small (a grid task's spread
/// is about 0.05, a board game's 0.3 to 0.8), so under one weight the bonus is about 20
/// times stronger, relative to its policy gradient, for a task than CleanRL's, and can
/// hold the task's policy at uniform.
public enum EntropyWeighting: String, Codable, Sendable, CaseIterable {
    /// Every game's bonus has the weight `entropyCoefficient`.
    case uniform
    /// A game's bonus is `entropyCoefficient` times the factor its advantages keep after
    /// scaling: its running spread over the divisor, `spread / max(spread, floor)`
    /// (`PolicyGradientUpdate.entropyWeights`). The bonus then stands to each game's policy
    /// gradient as CleanRL's does to unit advantages, without scaling the game's noise up.
    /// With `AdvantageScaling.batch` or a floor of 0 every factor is 1 (as `uniform`). The
    /// running spread starts at 1 and forgets 1% per update, so a task's factor takes a few
    /// hundred updates to fall to its spread (about 0.86 after 30 updates).
    case spread
}

extension TrainingConfig {
    private enum CodingKeys: String, CodingKey {
        case games, architecture, width, depth, heads, convolutionLayers, gameGate, glimpses, glimpseRadius, algorithm, seed, environments, decisionsPerUpdate, epochs,
             minibatches, learningRate, gamma, lambda, clip, valueCoefficient, entropyCoefficient, maxGradientNorm, adamEpsilon,
             hideGameID, selfPlayShare, randomOpponentShare, randomOpeningPlies, snapshotEvery, poolSize, threads,
             checkpointEvery, gameSampling, gameWeights, advantageScaling, advantageFloor, entropyWeighting, noveltyBonus, selfImitation, backplay
    }

    /// Reads a config; a field that is missing (a file written before the field existed)
    /// takes its default (or the value that reproduces what such older runs did), so older `config.json` files and checkpoints stay readable.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(games: try c.decode([String].self, forKey: .games))
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.architecture, into: &architecture)
        try read(.width, into: &width)
        try read(.depth, into: &depth)
        try read(.heads, into: &heads)
        try read(.convolutionLayers, into: &convolutionLayers)
        try read(.gameGate, into: &gameGate)
        try read(.glimpses, into: &glimpses)
        try read(.glimpseRadius, into: &glimpseRadius)
        try read(.algorithm, into: &algorithm)
        try read(.seed, into: &seed)
        try read(.environments, into: &environments)
        try read(.decisionsPerUpdate, into: &decisionsPerUpdate)
        try read(.epochs, into: &epochs)
        try read(.minibatches, into: &minibatches)
        try read(.learningRate, into: &learningRate)
        try read(.gamma, into: &gamma)
        try read(.lambda, into: &lambda)
        try read(.clip, into: &clip)
        try read(.valueCoefficient, into: &valueCoefficient)
        try read(.entropyCoefficient, into: &entropyCoefficient)
        try read(.maxGradientNorm, into: &maxGradientNorm)
        try read(.hideGameID, into: &hideGameID)
        try read(.selfPlayShare, into: &selfPlayShare)
        try read(.randomOpponentShare, into: &randomOpponentShare)
        // Files from before random openings existed were trained without them.
        randomOpeningPlies = try c.decodeIfPresent(Int.self, forKey: .randomOpeningPlies) ?? 0
        // Files from before game sampling had a choice drew games per episode.
        gameSampling = try c.decodeIfPresent(GameSampling.self, forKey: .gameSampling) ?? .episodes
        try read(.gameWeights, into: &gameWeights)
        // Files from before advantage scaling had a choice used each batch's own spread.
        advantageScaling = try c.decodeIfPresent(AdvantageScaling.self, forKey: .advantageScaling) ?? .batch
        try read(.advantageFloor, into: &advantageFloor)
        entropyWeighting = try c.decodeIfPresent(EntropyWeighting.self, forKey: .entropyWeighting) ?? .uniform
        try read(.noveltyBonus, into: &noveltyBonus)
        try read(.selfImitation, into: &selfImitation)
        try read(.backplay, into: &backplay)
        try read(.adamEpsilon, into: &adamEpsilon)
        try read(.snapshotEvery, into: &snapshotEvery)
        try read(.poolSize, into: &poolSize)
        try read(.threads, into: &threads)
        try read(.checkpointEvery, into: &checkpointEvery)
    }
}
