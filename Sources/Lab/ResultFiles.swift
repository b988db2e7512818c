import Foundation

/// The result files experiments write next to their run directories, which `play plot`
/// renders when it finds them. Each is the JSON form of one of these Codable types, so
/// the experiment code builds the value and calls `write(to:)`; the report reads it back
/// with `read(from:)`. Raw per-seed numbers go in; the report computes means, intervals
/// and fits, so every figure is made the same way.
public protocol ResultFile: Codable, Sendable {
    /// The file's name in a run or sweep directory.
    static var fileName: String { get }

    /// Checks what decoding cannot: that paired arrays have matching lengths and curves'
    /// steps increase, as the figures need. Throws a `LabError` naming the field, what it
    /// holds and what was expected (a file written or edited by hand can get this wrong).
    func validate() throws
}

extension ResultFile {
    /// Writes the file (pretty-printed, sorted keys) into `directory`.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    /// The file in `directory`, nil if there is none; a damaged or inconsistent file is an
    /// error naming it (and, when it decodes, the field that is wrong).
    public static func read(from directory: URL) throws -> Self? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let result = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
            try result.validate()
            return result
        } catch {
            throw LabError("\(url.path) is not a valid \(fileName): \(error)")
        }
    }
}

/// Checks that `values` is a `rows` x `columns` matrix; `field` names it in the error,
/// `rowsName` and `columnsName` say what its rows and columns follow.
func checkMatrix(_ values: [[Double]], field: String, rows: Int, rowsName: String, columns: Int, columnsName: String) throws {
    guard values.count == rows else {
        throw LabError("\(field) has \(values.count) rows, expected \(rows) (one per entry of \(rowsName))")
    }
    if let row = values.firstIndex(where: { $0.count != columns }) {
        throw LabError("\(field)[\(row)] has \(values[row].count) values, expected \(columns) (one per entry of \(columnsName))")
    }
}

/// `transfer.json`: learning curves of each target game learned from scratch, fine-tuned
/// after pre-training, and jointly, one curve per seed.
///
///     {"metric": "score against random", "stepUnit": "target-game decisions", "threshold": 0.9,
///      "targets": [{"target": "tic-tac-toe", "pretrain": ["connect-four"],
///                   "curves": [{"condition": "scratch", "seed": 1, "steps": [0, 5000], "scores": [0.5, 0.8]}, ...]}]}
///
/// Conditions are free names; "scratch" is the baseline the transfer measures compare
/// against (jumpstart, steps to `threshold`, area ratio, effective data transferred).
public struct TransferResult: ResultFile, Hashable {
    public static let fileName = "transfer.json"

    public struct Curve: Codable, Sendable, Hashable {
        public var condition: String
        public var seed: UInt64
        /// Steps of training on the target game itself (0 = before any).
        public var steps: [Double]
        public var scores: [Double]
        public init(condition: String, seed: UInt64, steps: [Double], scores: [Double]) {
            self.condition = condition
            self.seed = seed
            self.steps = steps
            self.scores = scores
        }
    }

    public struct Target: Codable, Sendable, Hashable {
        public var target: String
        public var pretrain: [String]
        public var curves: [Curve]
        public init(target: String, pretrain: [String], curves: [Curve]) {
            self.target = target
            self.pretrain = pretrain
            self.curves = curves
        }
    }

    /// What the scores are, e.g. "score against random (wins + draws/2)".
    public var metric: String
    /// What the steps count, e.g. "target-game decisions".
    public var stepUnit: String
    /// The score for "steps to threshold"; nil skips that measure.
    public var threshold: Double?
    public var targets: [Target]

    public init(metric: String, stepUnit: String, threshold: Double?, targets: [Target]) {
        self.metric = metric
        self.stepUnit = stepUnit
        self.threshold = threshold
        self.targets = targets
    }

    /// Every curve has one score per step, at increasing steps.
    public func validate() throws {
        for (t, target) in targets.enumerated() {
            for (c, curve) in target.curves.enumerated() {
                let field = "targets[\(t)].curves[\(c)] (\(target.target), \(curve.condition), seed \(curve.seed))"
                guard curve.scores.count == curve.steps.count else {
                    throw LabError("\(field): scores has \(curve.scores.count) values, expected \(curve.steps.count) (one per entry of steps)")
                }
                if let i = curve.steps.indices.dropFirst().first(where: { !(curve.steps[$0 - 1] < curve.steps[$0]) }) {
                    throw LabError("\(field): steps must increase, but steps[\(i - 1)] = \(curve.steps[i - 1]) and steps[\(i)] = \(curve.steps[i])")
                }
            }
        }
    }
}

/// `heldout.json`: held-out-game transfer against the number of pre-training games, one
/// record per (number of games, subset, seed, held-out game).
///
///     {"metric": "score against random",
///      "records": [{"pretrainGames": 2, "subset": ["tic-tac-toe", "gomoku"], "seed": 1,
///                   "heldOut": "connect-four", "zeroShot": 0.55, "fineTuned": 0.81}]}
public struct HeldOutResult: ResultFile, Hashable {
    public static let fileName = "heldout.json"

    public struct Record: Codable, Sendable, Hashable {
        public var pretrainGames: Int
        public var subset: [String]
        public var seed: UInt64
        public var heldOut: String
        /// The pre-trained model on the held-out game before any training on it.
        public var zeroShot: Double
        /// After the fine-tuning budget on the held-out game (nil if not run).
        public var fineTuned: Double?
        /// From scratch with the same budget (nil if not run): the baseline.
        public var scratch: Double?
        public init(pretrainGames: Int, subset: [String], seed: UInt64, heldOut: String, zeroShot: Double,
                    fineTuned: Double? = nil, scratch: Double? = nil) {
            self.pretrainGames = pretrainGames
            self.subset = subset
            self.seed = seed
            self.heldOut = heldOut
            self.zeroShot = zeroShot
            self.fineTuned = fineTuned
            self.scratch = scratch
        }
    }

    public var metric: String
    public var records: [Record]
    public init(metric: String, records: [Record]) {
        self.metric = metric
        self.records = records
    }

    /// Nothing to cross-check: every field of a record stands alone.
    public func validate() throws {}
}

/// `scaling.json`: one point per finished run of a sweep: its size, its training compute
/// and its error (what should fall as a power law; e.g. 1 - score, or a loss).
///
///     {"metric": "1 - score against random (mean over games)",
///      "points": [{"architecture": "mlp", "games": 4, "seed": 1, "parameters": 52000,
///                  "compute": 3.1e12, "error": 0.21}]}
public struct ScalingResult: ResultFile, Hashable {
    public static let fileName = "scaling.json"

    public struct Point: Codable, Sendable, Hashable {
        public var architecture: String
        /// Games trained on (the series are per architecture and game count).
        public var games: Int
        public var seed: UInt64
        public var parameters: Double
        /// Training compute in FLOPs (as counted by the model); nil if not measured.
        public var compute: Double?
        public var error: Double
        public init(architecture: String, games: Int, seed: UInt64, parameters: Double, compute: Double?, error: Double) {
            self.architecture = architecture
            self.games = games
            self.seed = seed
            self.parameters = parameters
            self.compute = compute
            self.error = error
        }
    }

    public var metric: String
    public var points: [Point]
    public init(metric: String, points: [Point]) {
        self.metric = metric
        self.points = points
    }

    /// Nothing to cross-check: every field of a point stands alone (points the log axes
    /// cannot show are left out of the figures).
    public func validate() throws {}
}

/// `analysis.json`: representation analyses of trained models (`play analyze`).
///
///     {"cka": [{"title": "single-game vs multi-game model on tic-tac-toe states", "debiased": true,
///               "rowAxis": "layer, single-game model", "columnAxis": "layer, multi-game model",
///               "rows": ["block 1", "block 2"], "columns": ["block 1", "block 2"], "values": [[0.9, 0.4], [0.5, 0.7]]}],
///      "taskVariance": [{"title": "multi-game model, last hidden layer", "games": ["a", "b"],
///                        "variances": [[1.0, 0.0], ...], "rotatedVariances": [[0.4, 0.5], ...]}],
///      "probes": [{"title": "probe: the mover has a piece on a1", "games": ["a", "b"],
///                  "accuracy": [[0.95, 0.7], [0.6, 0.9]], "chance": [[0.5, 0.5], [0.5, 0.5]]}],
///      "gates": [{"title": "gated model, layer 1", "games": ["a", "b"], "gates": [[1.2, 0.1, ...], [0.9, 1.8, ...]]}]}
///
/// `gates` is there only for models with a game gate (and missing in files from before it).
public struct AnalysisResult: ResultFile, Hashable {
    public static let fileName = "analysis.json"

    /// CKA between the layers (or models) of rows and columns, on the same states.
    public struct CKATable: Codable, Sendable, Hashable {
        public var title: String
        public var debiased: Bool
        public var rowAxis: String
        public var columnAxis: String
        public var rows: [String]
        public var columns: [String]
        public var values: [[Double]]
        public init(title: String, debiased: Bool, rowAxis: String, columnAxis: String, rows: [String], columns: [String], values: [[Double]]) {
            self.title = title
            self.debiased = debiased
            self.rowAxis = rowAxis
            self.columnAxis = columnAxis
            self.rows = rows
            self.columns = columns
            self.values = values
        }
    }

    /// Task variances of one layer's units (see `TaskVariance`), and of the same layer
    /// after a random rotation (the control).
    public struct TaskVarianceTable: Codable, Sendable, Hashable {
        public var title: String
        public var games: [String]
        /// (units, games).
        public var variances: [[Double]]
        public var rotatedVariances: [[Double]]?
        public init(title: String, games: [String], variances: [[Double]], rotatedVariances: [[Double]]?) {
            self.title = title
            self.games = games
            self.variances = variances
            self.rotatedVariances = rotatedVariances
        }

        /// The table of an analysis and its rotation control.
        public init(title: String, analysis: TaskVariance, rotated: TaskVariance?) {
            self.init(title: title, games: analysis.games, variances: analysis.variances, rotatedVariances: rotated?.variances)
        }
    }

    /// Probe accuracy trained on the row game's states, tested on the column game's.
    public struct ProbeTable: Codable, Sendable, Hashable {
        public var title: String
        public var games: [String]
        public var accuracy: [[Double]]
        public var chance: [[Double]]?
        public init(title: String, games: [String], accuracy: [[Double]], chance: [[Double]]?) {
            self.title = title
            self.games = games
            self.accuracy = accuracy
            self.chance = chance
        }
    }

    /// The factors a game gate (`--game-gate`) gives each hidden unit of one layer in each
    /// game (`TextPolicyNetwork.gameGates`): 1 leaves a unit as the plain MLP has it, 0
    /// shuts it, 2 doubles it. Games whose gates point the same way away from 1 use the
    /// same units.
    public struct GateTable: Codable, Sendable, Hashable {
        public var title: String
        public var games: [String]
        /// (games, units).
        public var gates: [[Double]]
        public init(title: String, games: [String], gates: [[Double]]) {
            self.title = title
            self.games = games
            self.gates = gates
        }

        /// Game g's mean factor.
        public func mean(_ g: Int) -> Double { Statistics.mean(gates[g]) }
        /// The share of game g's units with a factor below `threshold` (shut, or nearly).
        public func share(_ g: Int, below threshold: Double) -> Double {
            Double(gates[g].filter { $0 < threshold }.count) / Double(max(1, gates[g].count))
        }
        /// The share of game g's units with a factor above `threshold` (amplified).
        public func share(_ g: Int, above threshold: Double) -> Double {
            Double(gates[g].filter { $0 > threshold }.count) / Double(max(1, gates[g].count))
        }
        /// (games, games): the cosine similarity of two games' gates less 1, their
        /// departures from the plain network; 1 for the same departures, 0 for unrelated
        /// ones, nan for a game whose gate is exactly 1 everywhere.
        public var cosines: [[Double]] {
            let departures = gates.map { $0.map { $0 - 1 } }
            let norms = departures.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            return departures.indices.map { a in
                departures.indices.map { b in
                    zip(departures[a], departures[b]).reduce(0) { $0 + $1.0 * $1.1 } / (norms[a] * norms[b])
                }
            }
        }
        /// The mean of `cosines` over pairs of different games.
        public var meanCosineBetweenGames: Double {
            let c = cosines
            return Statistics.mean(c.indices.flatMap { a in c.indices.filter { $0 != a }.map { c[a][$0] } })
        }
    }

    /// What each glimpse head (`--glimpses`) of one model looks at in each game: the weight
    /// it gives each character, averaged over the game's states (a head's weights sum to 1
    /// in every state). A head that settled on `@` has weight near 1 on `@` in every grid
    /// task and spreads over other characters in games without one.
    public struct GlimpseTable: Codable, Sendable, Hashable {
        public var title: String
        public var games: [String]
        /// (games, heads): character -> mean weight.
        public var weights: [[[String: Double]]]
        public init(title: String, games: [String], weights: [[[String: Double]]]) {
            self.title = title
            self.games = games
            self.weights = weights
        }

        /// Head `head`'s `count` heaviest characters in game g, heaviest first (ties by character).
        public func top(_ g: Int, head: Int, count: Int = 3) -> [(character: String, weight: Double)] {
            weights[g][head].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map { ($0.key, $0.value) }
        }

        /// "@ 0.98, G 0.01" for head `head` in game g (a space shows as `' '`).
        public func summary(_ g: Int, head: Int, count: Int = 2) -> String {
            top(g, head: head, count: count).map { ($0.character == " " ? "' '" : $0.character) + " " + Format.fixed($0.weight, 2) }
                .joined(separator: ", ")
        }
    }

    public var cka: [CKATable]
    public var taskVariance: [TaskVarianceTable]
    public var probes: [ProbeTable]
    public var gates: [GateTable]
    public var glimpses: [GlimpseTable]

    public init(cka: [CKATable] = [], taskVariance: [TaskVarianceTable] = [], probes: [ProbeTable] = [], gates: [GateTable] = [],
                glimpses: [GlimpseTable] = []) {
        self.cka = cka
        self.taskVariance = taskVariance
        self.probes = probes
        self.gates = gates
        self.glimpses = glimpses
    }

    private enum CodingKeys: String, CodingKey { case cka, taskVariance, probes, gates, glimpses }

    /// Reads an analysis; `gates` and `glimpses` may be missing (files from before them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cka = try c.decode([CKATable].self, forKey: .cka)
        taskVariance = try c.decode([TaskVarianceTable].self, forKey: .taskVariance)
        probes = try c.decode([ProbeTable].self, forKey: .probes)
        gates = try c.decodeIfPresent([GateTable].self, forKey: .gates) ?? []
        glimpses = try c.decodeIfPresent([GlimpseTable].self, forKey: .glimpses) ?? []
    }

    /// Every matrix has the shape its labels give: CKA rows x columns, task variances
    /// units x games, probes games x games, gates one row per game.
    public func validate() throws {
        for (i, table) in gates.enumerated() where table.gates.count != table.games.count {
            throw LabError("gates[\(i)].gates has \(table.gates.count) rows, expected \(table.games.count) (one per entry of games)")
        }
        for (i, table) in glimpses.enumerated() where table.weights.count != table.games.count {
            throw LabError("glimpses[\(i)].weights has \(table.weights.count) rows, expected \(table.games.count) (one per entry of games)")
        }
        for (i, table) in cka.enumerated() {
            try checkMatrix(table.values, field: "cka[\(i)].values", rows: table.rows.count, rowsName: "rows",
                            columns: table.columns.count, columnsName: "columns")
        }
        for (i, table) in taskVariance.enumerated() {
            for (name, variances) in [("variances", table.variances), ("rotatedVariances", table.rotatedVariances)] {
                guard let variances else { continue }
                if let unit = variances.firstIndex(where: { $0.count != table.games.count }) {
                    throw LabError("taskVariance[\(i)].\(name)[\(unit)] has \(variances[unit].count) values, "
                                   + "expected \(table.games.count) (one per entry of games)")
                }
            }
        }
        for (i, table) in probes.enumerated() {
            for (name, values) in [("accuracy", table.accuracy), ("chance", table.chance)] {
                guard let values else { continue }
                try checkMatrix(values, field: "probes[\(i)].\(name)", rows: table.games.count, rowsName: "games",
                                columns: table.games.count, columnsName: "games")
            }
        }
    }
}

/// A problem with the lab's input files, said so a user can act on it.
public struct LabError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
