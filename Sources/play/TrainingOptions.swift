import ArgumentParser
import Neural
import RL

/// The defaults of the model and training options that differ between commands: one long
/// run (`play train`) is wider and collects more per update than the many short runs of
/// an experiment (`play transfer`).
protocol TrainingOptionDefaults {
    static var width: Int { get }
    static var environments: Int { get }
    static var decisionsPerUpdate: Int { get }
    /// Whether the MLP and conv families get a game gate unless `--game-gate` or
    /// `--no-game-gate` says (a Transformer never does).
    static var gameGate: Bool { get }
    /// How many glimpse heads the MLP and conv families get unless `--glimpses` says (a
    /// Transformer gets none).
    static var glimpses: Int { get }
}

/// The model and training options every training command takes, with `Defaults` giving
/// the few defaults that differ, so each command's `--help` shows its own.
///
///     @OptionGroup var model: TrainingOptions<TrainDefaults>
///     var config = TrainingConfig(games: ids)
///     model.apply(to: &config)
struct TrainingOptions<Defaults: TrainingOptionDefaults>: ParsableArguments {
    @Option(help: "Network family: mlp, conv (the MLP plus 3x3 convolutions over the board, pooled) or transformer.")
    var arch: Architecture = .mlp

    @Option(help: "Hidden width (MLP units; Transformer d_model).")
    var width: Int = Defaults.width

    @Option(help: "Hidden layers (MLP) or blocks (Transformer).")
    var depth: Int = 2

    @Option(help: "Attention heads (Transformer).")
    var heads: Int = 4

    @Option(help: "3x3 convolution layers of the conv family (each pooled feature sees a (2N+1)x(2N+1) window).")
    var convLayers: Int = ModelConfig.defaultConvolutionLayers

    @Flag(inversion: .prefixedNo,
          help: "MLP and conv: scale every hidden unit by a gate read from the observation's first line, the game's id (default: \(Defaults.gameGate ? "on" : "off") for mlp and conv, off for transformer).")
    var gameGate: Bool?

    @Option(help: "MLP and conv: heads that each find a character on the board and read its place and 3x3 window into the first layer (0: none; default: \(Defaults.glimpses) for mlp and conv, 0 for transformer).")
    var glimpses: Int?

    @Option(help: "How far each glimpse's window reaches from its character: 1 (3x3), 2 (5x5) or 3 (7x7).")
    var glimpseRadius: Int = 1

    @Option(help: "ppo, a2c or reinforce.")
    var algo: RL.Algorithm = .ppo

    @Option(help: "Learning rate (it falls linearly to a tenth over the run's budget, in decisions or minutes).")
    var learningRate: Float = 1e-3

    @Option(help: "Games played side by side.")
    var envs: Int = Defaults.environments

    @Option(help: "Decisions per update.")
    var decisionsPerUpdate: Int = Defaults.decisionsPerUpdate

    @Option(help: "Share of two-player training games against a uniformly random player.")
    var randomOpponents: Double = 0.2

    @Option(help: "Two-player self-play and pool games start after 0 to N random moves (diverse positions to learn from).")
    var openingPlies: Int = 4

    @Option(help: "How new games are drawn: 'decisions' gives every game the same share of the learner's moves, 'episodes' the same share of games (long games then get most of the data).")
    var gameSampling: GameSampling = .decisions

    @Option(help: "What each game's advantages are divided by: 'running' its spread over recent updates, 'batch' its spread in this batch (which blows a task's value noise up to full strength when the batch holds no success).")
    var advantageScaling: AdvantageScaling = .running

    @Option(help: "'running' scaling divides each game's advantages by at least this (1: never scale a game's advantages up; 0: always to a spread of 1).")
    var advantageFloor: Double = 1

    @Option(help: "Weight of the entropy bonus in the loss.")
    var entropy: Float = 0.01

    @Option(help: "How each game's entropy bonus is weighted: 'uniform' the same for every game, 'spread' times the share of the game's advantage spread that scaling keeps (min(1, spread / floor)), so the bonus stands to each game's policy gradient as it would to unit advantages.")
    var entropyWeighting: EntropyWeighting = .uniform

    @Option(help: "Single-player tasks: intrinsic reward for each move that reaches an observation not yet seen in the episode (0: off; at 0.01 or more covering a level can pay more than reaching its goal). Scores and logged returns keep the games' own rewards.")
    var noveltyBonus: Float = 0

    @Option(help: "Single-player tasks: moves of rewarded episodes drawn for replay per update; those whose return beats the network's value join the batch (self-imitation; 0: off; not with --novelty-bonus).")
    var selfImitation: Int = 0

    @Option(help: "Single-player tasks: share of training episodes, in [0, 1), that start part way along the solver's shortest solution, a few steps before the goal at first and further back as the network finishes from there (backplay; 0: off). Evaluations and logged returns use whole episodes.")
    var backplay: Double = 0

    @Option(help: "Weight of the value loss in the loss (the value head shares the network with the policy).")
    var valueCoefficient: Float = 0.5

    @Option(help: "PPO's clip range: the probability ratio is clipped to [1 - clip, 1 + clip].")
    var clip: Float = 0.2

    @Option(help: "PPO: passes over each batch.")
    var epochs: Int = 4

    @Option(help: "PPO: minibatches per pass (each one gradient step).")
    var minibatches: Int = 4

    @Option(help: "The gradient's global norm is clipped to this before each step.")
    var maxGradientNorm: Float = 0.5

    @Option(help: "AdamW's epsilon (added to the root of the second moment); larger values damp the steps of parameters whose gradients are small.")
    var adamEpsilon: Float = 1e-5

    @Option(help: "Discount of future rewards, in [0, 1].")
    var gamma: Float = 0.99

    @Option(help: "GAE's lambda, in [0, 1] (1: Monte Carlo returns less the value; REINFORCE always uses 1).")
    var lambda: Float = 0.95

    @Option(help: "Threads sharing each gradient step, and rollout lanes stepping the games (the same seed and thread count give the same run).")
    var threads: Int = 2

    @Flag(help: "Hide the game's id line from the network's observations.")
    var hideGameID = false

    /// Sets the model and training fields of `config` from the options.
    func apply(to config: inout TrainingConfig) {
        config.architecture = arch
        config.width = width
        config.depth = depth
        config.heads = heads
        config.convolutionLayers = convLayers
        config.gameGate = gameGate ?? (Defaults.gameGate && arch != .transformer)
        config.glimpses = glimpses ?? (arch == .transformer ? 0 : Defaults.glimpses)
        config.glimpseRadius = glimpseRadius
        config.algorithm = algo
        config.learningRate = learningRate
        config.environments = envs
        config.decisionsPerUpdate = decisionsPerUpdate
        config.randomOpponentShare = randomOpponents
        config.randomOpeningPlies = openingPlies
        config.gameSampling = gameSampling
        config.advantageScaling = advantageScaling
        config.advantageFloor = advantageFloor
        config.entropyCoefficient = entropy
        config.entropyWeighting = entropyWeighting
        config.noveltyBonus = noveltyBonus
        config.selfImitation = selfImitation
        config.backplay = backplay
        config.valueCoefficient = valueCoefficient
        config.clip = clip
        config.epochs = epochs
        config.minibatches = minibatches
        config.maxGradientNorm = maxGradientNorm
        config.adamEpsilon = adamEpsilon
        config.gamma = gamma
        config.lambda = lambda
        config.threads = threads
        config.hideGameID = hideGameID
    }
}

extension Architecture: ExpressibleByArgument {}
extension RL.Algorithm: ExpressibleByArgument {}
extension GameSampling: ExpressibleByArgument {}
extension AdvantageScaling: ExpressibleByArgument {}
extension EntropyWeighting: ExpressibleByArgument {}
