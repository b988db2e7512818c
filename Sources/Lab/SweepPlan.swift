import Foundation
import GameKit
import Games
import Neural
import RL

/// A sweep: a grid of training runs, read from a JSON plan (`play sweep PLAN.json`).
///
///     {"name": "small-scaling",
///      "games": ["tic-tac-toe", "tic-tac-toe,connect-four"],
///      "architectures": ["mlp", "transformer"],
///      "widths": {"mlp": [16, 32, 64], "transformer": [16, 32, 64]},
///      "depths": [1],
///      "seeds": 2,
///      "steps": 20000,
///      "train": {"envs": 32, "decisions-per-update": 512, "eval-every": 0, "eval-mcts": 0}}
///
/// The grid is game sets × architectures × widths × depths × seeds; every combination is a
/// `SweepCell`, trained as its own run. Keys:
/// - `games`: a list of game sets, each a comma-separated list of ids (as `--games`), or a
///   list of ids; or instead `gameCounts` (e.g. [1, 2, 4]): sets of that many games drawn
///   from `gamePool` (default: every registered game) by a seeded shuffle (`gameSeed`,
///   default 0), `gameSubsets` shuffles (default 1); the sets of one shuffle are nested
///   (the 2-game set holds the 1-game set), so game counts differ by games added, not
///   swapped.
/// - `architectures`: "mlp", "transformer". `widths`, `depths`: a list for every
///   architecture, or an object with a list per architecture.
/// - `seeds`: a list, or a count N meaning 1...N. `steps`: every run's budget in decisions.
/// - `heads` (Transformer, default 4), `threads` (per run; default: chosen by the runner),
///   `name` (default: the plan file's name).
/// - `train`: further `play train` options by name without dashes (`"learning-rate": 3e-4`,
///   `"hide-game-id": true`), the same for every cell.
/// - `slurm`: `partition`, `time`, `memory`, `maxParallel`, `options` (more `#SBATCH` lines).
public struct SweepPlan: Sendable, Hashable {
    public var name: String
    /// The game sets, each a list of registered ids.
    public var gameSets: [[String]]
    public var architectures: [Architecture]
    public var widths: [Architecture: [Int]]
    public var depths: [Architecture: [Int]]
    public var heads: Int
    public var seeds: [UInt64]
    public var steps: Int
    /// Threads per run, if the plan fixes them (then runs are identical wherever they run).
    public var threads: Int?
    /// Further `play train` options, sorted by name.
    public var train: [TrainOption]
    public var slurm: SlurmSettings

    /// Top-level keys a plan may have.
    public static let keys = ["name", "games", "gameCounts", "gamePool", "gameSubsets", "gameSeed", "architectures", "widths",
                              "depths", "heads", "seeds", "steps", "threads", "train", "slurm"].sorted()

    /// `play train` options a plan's `train` object may set, with the kind of value each takes.
    public static let trainOptions: [String: TrainOption.Kind] = [
        "algo": .text, "learning-rate": .number, "envs": .integer, "decisions-per-update": .integer,
        "random-opponents": .number, "opening-plies": .integer, "game-sampling": .text, "game-weights": .text, "advantage-scaling": .text,
        "advantage-floor": .number, "entropy": .number, "gamma": .number, "lambda": .number, "conv-layers": .integer,
        "entropy-weighting": .text, "novelty-bonus": .number, "self-imitation": .integer, "backplay": .number, "value-coefficient": .number, "clip": .number, "epochs": .integer,
        "minibatches": .integer, "max-gradient-norm": .number, "adam-epsilon": .number,
        "hide-game-id": .flag,
        "eval-every": .number, "eval-quick": .integer, "stop-score": .number, "eval-games": .integer,
        "eval-mcts": .integer, "checkpoint-every": .integer, "blas-threads": .integer,
    ]

    /// `play train` options the sweep sets itself, with the plan key to use instead.
    public static let reservedTrainOptions: [String: String] = [
        "games": "games or gameCounts", "arch": "architectures", "width": "widths", "depth": "depths", "heads": "heads",
        "seed": "seeds", "steps": "steps", "minutes": "steps (sweeps have step budgets, so cells are reproducible)",
        "threads": "threads", "name": "(the cell's name)", "runs": "(play sweep --out)", "checkpoints": "(play sweep --out)",
        "resume": "(the sweep resumes unfinished cells itself)",
    ]

    /// Every run of the grid, in a fixed order: game sets, then architectures, widths,
    /// depths and seeds (the last varies fastest). A cell's index is its place here.
    public var cells: [SweepCell] {
        var cells: [SweepCell] = []
        for games in gameSets {
            for architecture in architectures {
                for width in widths[architecture]! {
                    for depth in depths[architecture]! {
                        for seed in seeds {
                            cells.append(SweepCell(index: cells.count, games: games, architecture: architecture, width: width,
                                                   depth: depth, heads: heads, seed: seed))
                        }
                    }
                }
            }
        }
        return cells
    }

    /// Reads and checks a plan file; every problem is a `LabError` that says what is allowed.
    public static func read(from url: URL) throws -> SweepPlan {
        guard let data = try? Data(contentsOf: url) else { throw LabError("cannot read the plan \(url.path)") }
        return try SweepPlan(json: data, defaultName: url.deletingPathExtension().lastPathComponent, source: url.lastPathComponent)
    }

    /// A plan from JSON text; `defaultName` names it when the plan has no `name`.
    public init(json: Data, defaultName: String, source: String = "plan") throws {
        let object: [String: PlanValue]
        do {
            object = try JSONDecoder().decode([String: PlanValue].self, from: json)
        } catch {
            throw LabError("\(source) is not a JSON object of plan keys (\(SweepPlan.keys.joined(separator: ", "))): \(SweepPlan.describe(error))")
        }
        let reader = PlanReader(object: object, source: source)
        try reader.rejectUnknownKeys(SweepPlan.keys, in: "the plan")
        name = try reader.string("name") ?? defaultName
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw LabError("\(source): 'name' must be a plain directory name (got '\(name)')")
        }
        gameSets = try reader.gameSets()
        architectures = try reader.list("architectures", as: "architecture names") { value -> Architecture? in
            guard case .text(let text) = value else { return nil }
            return Architecture(rawValue: text.lowercased())
        } ?? []
        guard !architectures.isEmpty else {
            throw LabError("\(source): empty grid: 'architectures' needs at least one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard Set(architectures).count == architectures.count else { throw LabError("\(source): 'architectures' lists one twice") }
        widths = try reader.perArchitecture("widths", architectures)
        depths = try reader.perArchitecture("depths", architectures)
        heads = try reader.integer("heads") ?? 4
        seeds = try reader.seeds()
        guard let steps = try reader.integer("steps") else {
            throw LabError("\(source): 'steps' is missing: every run's budget in decisions (e.g. \"steps\": 20000)")
        }
        guard steps >= 1 else { throw LabError("\(source): 'steps' must be at least 1 (got \(steps))") }
        self.steps = steps
        threads = try reader.integer("threads")
        if let threads, !(1...64).contains(threads) { throw LabError("\(source): 'threads' must be between 1 and 64 (got \(threads))") }
        train = try reader.trainOptions()
        slurm = try reader.slurmSettings()

        var names: Set<String> = []
        for cell in cells {
            if let problem = cell.trainingConfig.problem { throw LabError("\(source): cell \(cell.index) (\(cell.name)): \(problem)") }
            guard names.insert(cell.name).inserted else { throw LabError("\(source): two cells are both \(cell.name); a game set or value is listed twice") }
        }
    }

    /// A decoding error in a few words, with where it happened.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return context.debugDescription + underlying
        @unknown default: return "\(error)"
        }
    }
}

/// One run of a sweep.
public struct SweepCell: Sendable, Hashable {
    /// Its place in the plan's grid (`SweepPlan.cells`), the Slurm array task id.
    public var index: Int
    public var games: [String]
    public var architecture: Architecture
    public var width: Int
    public var depth: Int
    public var heads: Int
    public var seed: UInt64

    /// A stable name made of what the cell is, so the same cell of a changed plan keeps its
    /// directory: `tic-tac-toe+connect-four-mlp-w32-d1-s2`. A game set whose ids are
    /// longer than 40 characters is written as its size and a hash of the ids
    /// (`5games-1a2b3c4d`).
    public var name: String { "\(SweepCell.gamesLabel(games))-\(architecture.rawValue)-w\(width)-d\(depth)-s\(seed)" }

    static func gamesLabel(_ games: [String]) -> String {
        let joined = games.joined(separator: "+")
        return joined.count <= 40 ? joined : "\(games.count)games-\(String(format: "%08x", fnv1a(joined)))"
    }

    /// FNV-1a, 32 bits: a hash that is the same in every process and on every machine.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// The training config the cell's shape gives (other settings at their defaults), to
    /// check the shape and to compare with what a run directory holds.
    public var trainingConfig: TrainingConfig {
        var config = TrainingConfig(games: games)
        config.architecture = architecture
        config.width = width
        config.depth = depth
        config.heads = heads
        config.seed = seed
        return config
    }

    /// The `play train` arguments of this cell.
    public func trainArguments(plan: SweepPlan, layout: SweepLayout, threads: Int, resume: Bool) -> [String] {
        var arguments = ["--games", games.joined(separator: ","), "--arch", architecture.rawValue, "--width", String(width),
                         "--depth", String(depth), "--heads", String(heads), "--seed", String(seed), "--steps", String(plan.steps),
                         "--threads", String(threads), "--name", name, "--runs", layout.runs.path,
                         "--checkpoints", layout.checkpoints.path]
        // A resumed run takes its game weights from its checkpoint, and `play train` refuses
        // `--game-weights` with `--resume` (it could disagree with the saved ones).
        for option in plan.train where !(resume && option.name == "game-weights") { arguments += option.arguments }
        if resume { arguments.append("--resume") }
        return arguments
    }
}

/// A `play train` option from a plan's `train` object.
public struct TrainOption: Sendable, Hashable {
    /// The kinds of value train options take.
    public enum Kind: Sendable { case integer, number, text, flag }
    public var name: String
    /// The value as the command line takes it; nil for a flag that is off.
    public var value: String?
    public var isFlag: Bool

    /// `--name value`, `--name` for a flag that is on, nothing for one that is off.
    public var arguments: [String] {
        if isFlag { return value == nil ? [] : ["--\(name)"] }
        return ["--\(name)", value ?? ""]
    }
}

/// Settings of the emitted Slurm script.
public struct SlurmSettings: Sendable, Hashable {
    public static let keys = ["memory", "maxParallel", "options", "partition", "time"]
    public var partition: String?
    /// Wall time per cell, e.g. "01:00:00".
    public var time: String?
    /// Memory per cell, e.g. "2G".
    public var memory: String?
    /// At most this many cells at once (`--array=0-K%M`).
    public var maxParallel: Int?
    /// More `#SBATCH` options, e.g. "--qos=short".
    public var options: [String] = []
    public init() {}
}

/// A JSON value of a plan.
enum PlanValue: Decodable, Sendable, Hashable {
    case bool(Bool), integer(Int), number(Double), text(String), list([PlanValue]), object([String: PlanValue]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .text(value) }
        else if let value = try? container.decode([PlanValue].self) { self = .list(value) }
        else { self = .object(try container.decode([String: PlanValue].self)) }
    }

    var integer: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: Int(value)
        default: nil
        }
    }

    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The value as it would appear in the plan, for messages.
    var shown: String {
        switch self {
        case .bool(let value): String(value)
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .text(let value): "\"\(value)\""
        case .list(let values): "[" + values.map(\.shown).joined(separator: ", ") + "]"
        case .object: "{...}"
        case .null: "null"
        }
    }
}

/// Reads the keys of a plan object, with messages that name the key and what it takes.
struct PlanReader {
    let object: [String: PlanValue]
    let source: String

    func rejectUnknownKeys(_ allowed: [String], in place: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let hint = allowed.first { $0.lowercased() == key.lowercased() || $0.lowercased() == key.lowercased() + "s" }
                .map { " (did you mean '\($0)'?)" } ?? ""
            throw LabError("\(source): unknown key '\(key)' in \(place)\(hint); allowed: \(allowed.joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard case .text(let text) = value else { throw LabError("\(source): '\(key)' must be a string (got \(value.shown))") }
        return text
    }

    func integer(_ key: String) throws -> Int? {
        guard let value = object[key] else { return nil }
        guard let integer = value.integer else { throw LabError("\(source): '\(key)' must be an integer (got \(value.shown))") }
        return integer
    }

    /// A list of values each `convert` accepts; nil if the key is absent.
    func list<T>(_ key: String, as what: String, _ convert: (PlanValue) -> T?) throws -> [T]? {
        guard let value = object[key] else { return nil }
        guard case .list(let items) = value else { throw LabError("\(source): '\(key)' must be a list of \(what) (got \(value.shown))") }
        return try items.map { item in
            guard let converted = convert(item) else { throw LabError("\(source): '\(key)' must be a list of \(what); \(item.shown) is not one") }
            return converted
        }
    }

    /// A list of positive integers for every architecture, or an object with one per architecture.
    func perArchitecture(_ key: String, _ architectures: [Architecture]) throws -> [Architecture: [Int]] {
        let what = "positive integers, or an object with such a list per architecture"
        func positive(_ value: PlanValue) -> Int? { value.integer.flatMap { $0 >= 1 ? $0 : nil } }
        guard let value = object[key] else { throw LabError("\(source): '\(key)' is missing: a list of \(what)") }
        var result: [Architecture: [Int]] = [:]
        switch value {
        case .list:
            let values = try list(key, as: what, positive)!
            for architecture in architectures { result[architecture] = values }
        case .object(let byName):
            for (name, item) in byName {
                guard let architecture = Architecture(rawValue: name), architectures.contains(architecture) else {
                    throw LabError("\(source): '\(key)' has an entry '\(name)', which is not one of the plan's architectures (\(architectures.map(\.rawValue).joined(separator: ", ")))")
                }
                result[architecture] = try PlanReader(object: [key: item], source: source).list("\(key)", as: what, positive)!
            }
        default:
            throw LabError("\(source): '\(key)' must be a list of \(what) (got \(value.shown))")
        }
        for architecture in architectures {
            guard let values = result[architecture], !values.isEmpty else {
                throw LabError("\(source): empty grid: '\(key)' has no values for \(architecture.rawValue)")
            }
            guard Set(values).count == values.count else { throw LabError("\(source): '\(key)' lists a value twice") }
        }
        return result
    }

    func seeds() throws -> [UInt64] {
        guard let value = object["seeds"] else { throw LabError("\(source): 'seeds' is missing: a list of seeds, or a count N for seeds 1...N") }
        if let count = value.integer {
            guard count >= 1 else { throw LabError("\(source): empty grid: 'seeds' is \(count); give a count of at least 1 or a list") }
            return (1...count).map { UInt64($0) }
        }
        let seeds = try list("seeds", as: "non-negative integers") { $0.integer.flatMap { $0 >= 0 ? UInt64($0) : nil } }!
        guard !seeds.isEmpty else { throw LabError("\(source): empty grid: 'seeds' is an empty list") }
        guard Set(seeds).count == seeds.count else { throw LabError("\(source): 'seeds' lists a seed twice") }
        return seeds
    }

    /// The game sets: listed (`games`) or drawn (`gameCounts` from `gamePool`).
    func gameSets() throws -> [[String]] {
        let registry = GameCatalog.registry
        func resolve(_ list: String) throws -> [String] {
            do { return try registry.games(list).map(\.id) } catch { throw LabError("\(source): \(error.description)") }
        }
        let drawnKeys = ["gameCounts", "gamePool", "gameSubsets", "gameSeed"]
        if object["games"] != nil {
            if let key = drawnKeys.first(where: { object[$0] != nil }) {
                throw LabError("\(source): give either 'games' (the sets, listed) or 'gameCounts' (sets drawn from 'gamePool'), not both ('\(key)' is set)")
            }
            let sets = try list("games", as: "game sets (\"tic-tac-toe,connect-four\" or [\"tic-tac-toe\", \"connect-four\"])") { item -> String? in
                switch item {
                case .text(let text): return text
                case .list(let names):
                    let texts = names.compactMap { if case .text(let t) = $0 { t } else { nil } }
                    return texts.count == names.count && !texts.isEmpty ? texts.joined(separator: ",") : nil
                default: return nil
                }
            }!
            guard !sets.isEmpty else { throw LabError("\(source): empty grid: 'games' is an empty list") }
            return try sets.map(resolve)
        }
        guard object["gameCounts"] != nil else {
            throw LabError("\(source): the plan names no games: give 'games' (a list of game sets) or 'gameCounts' (with 'gamePool'); games: \(registry.ids.joined(separator: ", "))")
        }
        let pool: [String]
        switch object["gamePool"] {
        case nil: pool = registry.ids
        case .text(let text)?: pool = try resolve(text)
        case .list?: pool = try resolve(try list("gamePool", as: "game ids") { if case .text(let t) = $0 { t } else { nil } }!.joined(separator: ","))
        case let value?: throw LabError("\(source): 'gamePool' must be a list of game ids or \"all\" (got \(value.shown))")
        }
        let counts = try list("gameCounts", as: "positive integers") { $0.integer.flatMap { $0 >= 1 ? $0 : nil } }!
        guard !counts.isEmpty else { throw LabError("\(source): empty grid: 'gameCounts' is an empty list") }
        if let count = counts.first(where: { $0 > pool.count }) {
            throw LabError("\(source): 'gameCounts' asks for \(count) games but the pool has \(pool.count)")
        }
        let subsets = try integer("gameSubsets") ?? 1
        guard subsets >= 1 else { throw LabError("\(source): 'gameSubsets' must be at least 1 (got \(subsets))") }
        let seed = try integer("gameSeed") ?? 0
        var sets: [[String]] = []
        for subset in 0..<subsets {
            var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed) &* 1_000_003 &+ UInt64(subset))
            var order = pool
            rng.shuffle(&order)
            for count in counts where !sets.contains(Array(order.prefix(count))) { sets.append(Array(order.prefix(count))) }
        }
        return sets
    }

    func trainOptions() throws -> [TrainOption] {
        guard let value = object["train"] else { return [] }
        guard case .object(let options) = value else {
            throw LabError("\(source): 'train' must be an object of play train options, e.g. {\"envs\": 32, \"eval-mcts\": 0}")
        }
        let allowed = SweepPlan.trainOptions.keys.sorted()
        var result: [TrainOption] = []
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            if let instead = SweepPlan.reservedTrainOptions[name] {
                throw LabError("\(source): 'train' may not set '\(name)': the sweep sets it from \(instead)")
            }
            guard let kind = SweepPlan.trainOptions[name] else {
                throw LabError("\(source): unknown play train option '\(name)' in 'train'; allowed: \(allowed.joined(separator: ", "))")
            }
            let problem = LabError("\(source): train option '\(name)' takes \(kind.description) (got \(value.shown))")
            switch (kind, value) {
            case (.flag, .bool(let on)): result.append(TrainOption(name: name, value: on ? "true" : nil, isFlag: true))
            case (.integer, _):
                guard let integer = value.integer else { throw problem }
                result.append(TrainOption(name: name, value: String(integer), isFlag: false))
            case (.number, _):
                guard let number = value.number else { throw problem }
                result.append(TrainOption(name: name, value: String(number), isFlag: false))
            case (.text, .text(let text)): result.append(TrainOption(name: name, value: text, isFlag: false))
            default: throw problem
            }
        }
        return result
    }

    func slurmSettings() throws -> SlurmSettings {
        var settings = SlurmSettings()
        guard let value = object["slurm"] else { return settings }
        guard case .object(let fields) = value else { throw LabError("\(source): 'slurm' must be an object with keys \(SlurmSettings.keys.joined(separator: ", "))") }
        let reader = PlanReader(object: fields, source: source)
        try reader.rejectUnknownKeys(SlurmSettings.keys, in: "'slurm'")
        settings.partition = try reader.string("partition")
        settings.time = try reader.string("time")
        settings.memory = try reader.string("memory")
        settings.maxParallel = try reader.integer("maxParallel")
        if let limit = settings.maxParallel, limit < 1 { throw LabError("\(source): slurm 'maxParallel' must be at least 1 (got \(limit))") }
        settings.options = try reader.list("options", as: "strings (#SBATCH options such as \"--qos=short\")") {
            if case .text(let t) = $0 { t } else { nil }
        } ?? []
        for text in [settings.partition, settings.time, settings.memory].compactMap({ $0 }) + settings.options
        where text.contains("\n") || text.isEmpty {
            throw LabError("\(source): slurm settings must be non-empty single lines")
        }
        return settings
    }
}

extension TrainOption.Kind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .integer: "an integer"
        case .number: "a number"
        case .text: "a string"
        case .flag: "true or false"
        }
    }
}
