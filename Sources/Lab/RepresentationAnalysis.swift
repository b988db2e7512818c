import Foundation
import GameKit
import Games
import Neural
import RL
import SeededRandom

/// States of one game for representation analyses: distinct positions from seeded random
/// play, the same for every model that reads them.
public struct StateSample: Sendable {
    public var game: String
    /// Observations with the id line.
    public var observations: [String]
    /// The same observations without the id line (`Game.observation(of:showingID: false)`),
    /// for models trained with the id hidden and for reading the board.
    public var observationsWithoutID: [String]
    /// Each state's legal action texts (mover notation).
    public var actions: [[String]]
    /// Whether the game has one player (a task).
    public var isTask: Bool

    /// Given states: their observations with and without the id line.
    public init(game: String, observations: [String], observationsWithoutID: [String], actions: [[String]], isTask: Bool) {
        precondition(observations.count == actions.count && observationsWithoutID.count == actions.count,
                     "one action list and one observation without the id per observation")
        self.game = game
        self.observations = observations
        self.observationsWithoutID = observationsWithoutID
        self.actions = actions
        self.isTask = isTask
    }

    /// State `index`'s observation as a model reads it: with the id line or without.
    public func observation(_ index: Int, showingID: Bool) -> String {
        showingID ? observations[index] : observationsWithoutID[index]
    }

    /// Up to `count` distinct non-terminal states met while playing uniformly random games
    /// from seeds `seed`, `seed + 1`, ... (at most 50 x `count` games).
    public init(game: AnyGame, count: Int, seed: UInt64) {
        self.game = game.id
        isTask = game.playerCount == 1
        var rng = SeededGenerator(seed: seed)
        var seen = Set<String>()
        observations = []
        observationsWithoutID = []
        actions = []
        var episode: UInt64 = 0
        while observations.count < count && episode < UInt64(50 * count) {
            var state = game.initialState(seed: seed &+ episode)
            episode += 1
            while !game.isTerminal(state) && observations.count < count {
                let observation = game.observation(of: state, showingID: true)
                let ids = game.legalActionIDs(in: state)
                if seen.insert(observation).inserted {
                    observations.append(observation)
                    observationsWithoutID.append(game.observation(of: state, showingID: false))
                    actions.append(ids.map { game.actionText($0, in: state, notation: .mover) })
                }
                game.play(ids[Int(rng.next() % UInt64(ids.count))], in: &state)
            }
        }
    }

    /// The board rows of an observation without its id line, top first: the lines as long
    /// as the first of them, without key-door's status line (`key---`, padded to the
    /// board's width).
    static func board(_ observation: String) -> [Substring] {
        let lines = observation.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first else { return [] }
        return Array(lines.prefix { $0.count == first.count && !$0.hasPrefix("key-") })
    }

    /// Whether the mover has a piece on `cell` ("b2": file b, rank 2 from the bottom of the
    /// observation board): `x` or an upper-case piece in two-player games, the agent `@`
    /// in tasks; nil when the board has no such cell.
    public func moverOccupies(_ cell: String, in index: Int) -> Bool? {
        guard let (file, rank) = StateSample.coordinates(cell) else { return nil }
        let rows = StateSample.board(observationsWithoutID[index])
        guard rank < rows.count, file < (rows.first?.count ?? 0) else { return nil }
        let row = rows[rows.count - 1 - rank]
        let symbol = row[row.index(row.startIndex, offsetBy: file)]
        return isTask ? symbol == "@" : (symbol == "x" || (symbol.isLetter && symbol.isUppercase))
    }

    /// (file, rank) from 0 of a cell name such as "c3".
    static func coordinates(_ cell: String) -> (Int, Int)? {
        guard let letter = cell.first, let a = letter.asciiValue, (97...122).contains(a), let rank = Int(cell.dropFirst()), rank >= 1 else { return nil }
        return (Int(a) - 97, rank - 1)
    }
}

/// A model's hidden layers and value estimates on one game's states.
public struct ModelActivations: Sendable {
    public var layerNames: [String]
    /// [layer][state][unit].
    public var layers: [[[Double]]]
    /// The value head's estimate per state (the mover's expected return).
    public var values: [Double]
    /// A network with glimpses (`--glimpses`): per head, each character's weight averaged
    /// over the states (a character absent from a state counts 0 there); empty without.
    public var glimpseWeights: [[String: Double]]

    /// Runs `network` on `sample` in batches of `batchSize`.
    public init(network: TextPolicyNetwork, hideGameID: Bool, sample: StateSample, batchSize: Int = 256) throws {
        var builder = PolicyBatchBuilder()
        layerNames = []
        layers = []
        values = []
        glimpseWeights = []
        var start = 0
        while start < sample.observations.count {
            let end = min(start + batchSize, sample.observations.count)
            let observations = (start..<end).map { sample.observation($0, showingID: !hideGameID) }
            let batch = try builder.batch(Array(zip(observations, sample.actions[start..<end])).map { (observation: $0.0, actions: $0.1) })
            let output = network.forward(batch)
            values += (0..<batch.batch).map { Double(output.values[$0]) }
            let hidden = network.encoder.hiddenLayers()
            if layers.isEmpty {
                layerNames = hidden.map(\.name)
                layers = Array(repeating: [], count: hidden.count)
            }
            for (index, layer) in hidden.enumerated() {
                layers[index] += (0..<layer.batch).map { layer.row($0).map(Double.init) }
            }
            for state in 0..<batch.batch {
                guard let attention = network.glimpseAttention(state: state) else { break }
                if glimpseWeights.isEmpty { glimpseWeights = Array(repeating: [:], count: attention.first?.weights.count ?? 0) }
                for (character, weights) in attention {
                    for (head, weight) in weights.enumerated() {
                        glimpseWeights[head][String(character), default: 0] += Double(weight) / Double(sample.observations.count)
                    }
                }
            }
            start = end
        }
    }
}

/// `play analyze`: shared representations of trained models on the same states.
///
/// - CKA (debiased linear) between every layer of the first model and every layer of the
///   second (or of itself, with one model), per game and on all games' states together;
/// - per-unit task variance across games in every layer of every model, with the
///   rotation control (`TaskVariance`);
/// - cross-game linear probes on every model's last layer: trained on one game's states
///   (the first half), tested on every game's second half, for "the mover has a piece on
///   CELL" (read from the observation text) and "the model's value estimate is > 0";
/// - for models with a game gate (`--game-gate`), the factors it gives every unit of every
///   layer in each game (read from the game's id line; not for models trained with the id
///   hidden, whose gate reads the board's top row instead);
/// - for models with glimpses (`--glimpses`), the characters each head looks at in each
///   game (its weights averaged over the game's states).
public struct RepresentationAnalysis: Sendable {
    public struct Model: Sendable {
        public var name: String
        public var checkpoint: Checkpoint
        public init(name: String, checkpoint: Checkpoint) {
            self.name = name
            self.checkpoint = checkpoint
        }
    }

    public var models: [Model]
    public var games: [String]
    public var states: Int
    public var seed: UInt64
    /// Cells of the occupancy probes.
    public var cells: [String]

    public init(models: [Model], games: [String], states: Int, seed: UInt64 = 1, cells: [String] = ["b2"]) {
        self.models = models
        self.games = games
        self.states = states
        self.seed = seed
        self.cells = cells
    }

    /// Collects the states, runs the models and computes every table.
    public func run() throws -> AnalysisResult {
        precondition(!models.isEmpty && !games.isEmpty && states >= 8, "an analysis needs models, games and at least 8 states")
        let samples = try games.enumerated().map { index, id in
            StateSample(game: try GameCatalog.registry.game(id), count: states, seed: seed &+ UInt64(index) &* 1_000_000)
        }
        for sample in samples where sample.observations.count < 8 {
            throw LabError("\(sample.game) gave only \(sample.observations.count) distinct states; the analysis needs at least 8")
        }
        var result = AnalysisResult()
        // [model][game]
        let activations = try models.map { model -> [ModelActivations] in
            let network = try TextPolicyNetwork.load(from: model.checkpoint)
            result.gates += try gateTables(of: network, named: model.name, hideGameID: model.checkpoint.header.config.hideGameID)
            return try samples.map { try ModelActivations(network: network, hideGameID: model.checkpoint.header.config.hideGameID, sample: $0) }
        }
        for (m, model) in models.enumerated() where !activations[m][0].glimpseWeights.isEmpty {
            result.glimpses.append(.init(title: model.name, games: games, weights: activations[m].map(\.glimpseWeights)))
        }
        result.cka = ckaTables(activations)
        if games.count >= 2 {
            for (m, model) in models.enumerated() {
                for (l, layer) in activations[m][0].layerNames.enumerated() {
                    let perGame = activations[m].map { $0.layers[l] }
                    let analysis = TaskVariance(games: games, activations: perGame)
                    let rotated = TaskVariance.rotated(games: games, activations: perGame, seed: seed &+ UInt64(l))
                    result.taskVariance.append(.init(title: "\(model.name), \(layer)", analysis: analysis, rotated: rotated))
                }
            }
        }
        for (m, model) in models.enumerated() {
            let last = activations[m][0].layerNames.count - 1
            let layerName = activations[m][0].layerNames[last]
            for cell in cells {
                let usable = samples.indices.filter { g in (0..<samples[g].observations.count).allSatisfy { samples[g].moverOccupies(cell, in: $0) != nil } }
                guard !usable.isEmpty else { continue }
                result.probes.append(probeTable(title: "\(model.name), \(layerName): the mover has a piece on \(cell)",
                                                games: usable, samples: samples, activations: activations[m], layer: last) { g, i in
                    samples[g].moverOccupies(cell, in: i)!
                })
            }
            result.probes.append(probeTable(title: "\(model.name), \(layerName): the value estimate is > 0",
                                            games: Array(samples.indices), samples: samples, activations: activations[m], layer: last) { g, i in
                activations[m][g].values[i] > 0
            })
        }
        return result
    }

    /// One table per layer of `network`'s game gate on the analysed games' id lines; none
    /// without a gate or with the id hidden.
    private func gateTables(of network: TextPolicyNetwork, named name: String, hideGameID: Bool) throws -> [AnalysisResult.GateTable] {
        guard !hideGameID else { return [] }
        let perGame = try games.map { try network.gameGates(firstLine: $0) }
        guard let depth = perGame.first??.count else { return [] }
        return (0..<depth).map { l in
            AnalysisResult.GateTable(title: "\(name), layer \(l + 1)", games: games, gates: perGame.map { $0![l].map(Double.init) })
        }
    }

    /// Layer-by-layer debiased CKA between the first model and the second (or itself),
    /// per game and pooled.
    private func ckaTables(_ activations: [[ModelActivations]]) -> [AnalysisResult.CKATable] {
        let a = 0, b = models.count > 1 ? 1 : 0
        let rowsName = models[a].name, columnsName = models[b].name
        var tables: [AnalysisResult.CKATable] = []
        var sets: [(String, [Int])] = games.indices.map { ("\(games[$0]) states", [$0]) }
        if games.count > 1 { sets.append(("all \(games.count) games' states", Array(games.indices))) }
        for (label, members) in sets {
            let layersA = activations[a][0].layerNames.indices.map { l in members.flatMap { activations[a][$0].layers[l] } }
            let layersB = activations[b][0].layerNames.indices.map { l in members.flatMap { activations[b][$0].layers[l] } }
            let values = layersA.map { x in layersB.map { y in Representations.debiasedLinearCKA(x, y) } }
            tables.append(.init(title: "CKA, \(rowsName) vs \(columnsName), \(label)", debiased: true,
                                rowAxis: "layer, \(rowsName)", columnAxis: "layer, \(columnsName)",
                                rows: activations[a][0].layerNames, columns: activations[b][0].layerNames, values: values))
        }
        return tables
    }

    /// A probe per training game (first half of its states), tested on every game's second half.
    private func probeTable(title: String, games usable: [Int], samples: [StateSample], activations: [ModelActivations], layer: Int,
                            label: (Int, Int) -> Bool) -> AnalysisResult.ProbeTable {
        func half(_ g: Int, second: Bool) -> (states: [[Double]], labels: [Bool]) {
            let n = samples[g].observations.count, cut = n / 2
            let range = second ? cut..<n : 0..<cut
            return (range.map { activations[g].layers[layer][$0] }, range.map { label(g, $0) })
        }
        var accuracy: [[Double]] = [], chance: [[Double]] = []
        for train in usable {
            let (states, labels) = half(train, second: false)
            let probe = LinearProbe(states: states, labels: labels, ridge: 1)
            let results = usable.map { test in
                let (testStates, testLabels) = half(test, second: true)
                return probe.evaluate(states: testStates, labels: testLabels)
            }
            accuracy.append(results.map(\.accuracy))
            chance.append(results.map(\.chance))
        }
        return .init(title: title, games: usable.map { games[$0] }, accuracy: accuracy, chance: chance)
    }
}
