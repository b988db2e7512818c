import Foundation
import GameKit
import Games
import Neural
import RL
import Testing
@testable import Lab

/// Fine-tuning from a checkpoint, the training session's schedule, a tiny transfer
/// experiment end to end, and the representation analysis on untrained checkpoints.
@Suite struct ExperimentTests {
    func tinyConfig(_ games: [String], width: Int = 8, seed: UInt64 = 1, architecture: Architecture = .mlp) -> TrainingConfig {
        var config = TrainingConfig(games: games)
        config.architecture = architecture
        config.width = width
        config.depth = 2
        config.heads = 2
        config.environments = 8
        config.decisionsPerUpdate = 64
        config.seed = seed
        return config
    }

    func trainer(_ config: TrainingConfig) throws -> Trainer {
        try Trainer(config: config, games: try GameCatalog.registry.games(config.games.joined(separator: ",")))
    }

    /// Writes `result`, checks that it reads back equal, then removes `key` from the file
    /// (as a file written before that field existed) and returns what reads then.
    func readBack(_ result: AnalysisResult, without key: String) throws -> AnalysisResult? {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try result.write(to: root)
        #expect(try AnalysisResult.read(from: root) == result)
        let file = root.appendingPathComponent(AnalysisResult.fileName)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        object.removeValue(forKey: key)
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        return try AnalysisResult.read(from: root)
    }

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mgl-experiment-\(UUID().uuidString)")
    }

    @Test func fineTuningCopiesTheWeightsExactlyWithAFreshOptimizer() throws {
        let source = try trainer(tinyConfig(["tic-tac-toe"], seed: 3))
        _ = try source.runUpdate()
        let checkpoint = source.checkpoint(elapsedSeconds: 0)
        #expect(source.updater.optimizer.step > 0)
        #expect(source.network.store.snapshot(.firstMoment).contains { $0 != 0 })
        // Another game, another seed, the same shape.
        let target = try trainer(tinyConfig(["maze-7x7"], seed: 9))
        #expect(target.network.store.snapshot() != source.network.store.snapshot())
        try target.initializeWeights(from: checkpoint)
        #expect(target.network.store.snapshot() == source.network.store.snapshot())
        #expect(target.network.store.snapshot(.firstMoment).allSatisfy { $0 == 0 })
        #expect(target.network.store.snapshot(.secondMoment).allSatisfy { $0 == 0 })
        #expect(target.updater.optimizer.step == 0 && target.updates == 0 && target.rollouts.decisions == 0)
        _ = try target.runUpdate()
        // A weights-only checkpoint (model.ckpt) serves as well.
        let fromWeights = try trainer(tinyConfig(["maze-7x7"], seed: 9))
        try fromWeights.initializeWeights(from: checkpoint.weightsOnly(of: source.network.store))
        #expect(fromWeights.network.store.snapshot() == source.network.store.snapshot())

        let wider = try trainer(tinyConfig(["tic-tac-toe"], width: 16))
        #expect {
            try wider.initializeWeights(from: checkpoint)
        } throws: { error in
            let text = "\(error)"
            return text.contains("mlp width 8 depth 2") && text.contains("mlp width 16 depth 2") && text.contains("--width")
        }
        let transformer = try trainer(tinyConfig(["tic-tac-toe"], architecture: .transformer))
        #expect(throws: CheckpointError.self) { try transformer.initializeWeights(from: checkpoint) }
        var glimpsed = tinyConfig(["tic-tac-toe"], seed: 3)
        glimpsed.glimpses = 2
        #expect {
            try self.trainer(glimpsed).initializeWeights(from: checkpoint)
        } throws: { error in
            let text = "\(error)"
            return text.contains("with 2 glimpses") && text.contains("--glimpses")
        }
    }

    @Test func evaluationsFollowTheDecisionScheduleAndTheClockCountsLearnedDecisions() throws {
        func run() throws -> (TrainingSession, Int) {
            let t = try trainer(tinyConfig(["tic-tac-toe", "k-in-a-row-4x4-3"], seed: 2))
            var schedule = TrainingSession.Schedule(budget: .decisions(300))
            schedule.clock = [0]
            schedule.evaluateEveryDecisions = 100
            schedule.evaluateAtStart = true
            schedule.evaluationGames = 4
            schedule.evaluatedGames = [0]
            let session = TrainingSession(trainer: t, log: nil, schedule: schedule)
            var learned = 0
            session.onUpdate = { report, _ in learned += report.learnedPerGame[0] }
            try session.run()
            return (session, learned)
        }
        let (session, learned) = try run()
        let points = session.evaluations.map(\.decisions)
        #expect(points.first == 0)
        #expect(session.decisions == learned && session.decisions >= 300)
        // The clock counts the target's decisions only: the other game's run on beside them.
        #expect(session.trainer.rollouts.decisions >= session.learnedPerGame.reduce(0, +))
        #expect(session.learnedPerGame[1] > 0)
        // One evaluation per passed multiple of 100 (no update here gathers 100 decisions of one game).
        for (a, b) in zip(points, points.dropFirst()) { #expect(a / 100 + 1 == b / 100, "\(points)") }
        let (again, _) = try run()
        #expect(again.evaluations.map(\.decisions) == points)
        #expect(again.evaluations.map { $0.scores[0].wins } == session.evaluations.map { $0.scores[0].wins })
    }

    /// `stopScore` waits for every trained game, but not for one of weight 0 (evaluated,
    /// never trained, so it could hold a run back forever).
    @Test func theStopScoreLeavesOutGamesOfWeightZero() throws {
        func run(_ weights: [String: Double]) throws -> TrainingSession {
            var config = tinyConfig(["coins-6x6", "lava-9x9"])
            config.gameWeights = weights
            var schedule = TrainingSession.Schedule(budget: .decisions(256))
            schedule.evaluateAtStart = true
            schedule.evaluateEveryDecisions = 128
            schedule.evaluationGames = 20
            schedule.stopScore = 0.3
            let session = TrainingSession(trainer: try trainer(config), log: nil, schedule: schedule)
            try session.run()
            return session
        }
        // An untrained network collects coins-6x6's coins about two times in three and
        // leaves lava-9x9 about once in a hundred (README, "What is left").
        let both = try run([:])
        let start = try #require(both.evaluations.first)
        #expect(start.scores[0].score >= 0.3 && start.scores[1].score < 0.3, "\(start.scores.map(\.score))")
        #expect(!both.reachedStopScore && both.evaluations.count == 3)
        let coinsOnly = try run(["lava-9x9": 0])
        #expect(coinsOnly.reachedStopScore && coinsOnly.evaluations.count == 1)
    }

    @Test func aTinyTransferExperimentWritesAWellFormedResult() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let settings = ExperimentSettings(template: tinyConfig([]), evaluateEvery: 100, evaluationGames: 6)
        let experiment = TransferExperiment(targets: ["tic-tac-toe"], pretrain: ["tic-tac-toe", "k-in-a-row-4x4-3"], seeds: [1, 2],
                                            steps: 250, pretrainSteps: 200, settings: settings, threshold: 0.6, output: root)
        #expect(experiment.pretrainGames(for: "tic-tac-toe") == ["k-in-a-row-4x4-3"])
        var lines: [String] = []
        let result = try experiment.run { lines.append($0) }
        #expect(lines.count == 2 * 4, "3 conditions and a pre-training per seed")
        let read = try #require(try TransferResult.read(from: root))
        #expect(read == result)
        #expect(read.threshold == 0.6 && read.targets.count == 1 && read.targets[0].pretrain == ["k-in-a-row-4x4-3"])
        let curves = read.targets[0].curves
        #expect(curves.count == 6)
        for condition in ["scratch", "fine-tune", "joint"] {
            #expect(curves.filter { $0.condition == condition }.map(\.seed) == [1, 2])
        }
        for curve in curves {
            #expect(curve.steps.first == 0 && curve.steps.last! >= 250 && curve.steps.count == curve.scores.count)
            #expect(zip(curve.steps, curve.steps.dropFirst()).allSatisfy { $0 < $1 })
            #expect(curve.scores.allSatisfy { (0...1).contains($0) })
        }
        // Scratch and joint start from the same seed's weights: the same step-0 score.
        for seed: UInt64 in [1, 2] {
            let start = { (c: String) in curves.first { $0.condition == c && $0.seed == seed }!.scores[0] }
            #expect(start("scratch") == start("joint"))
        }
        // The x axis is the target's learned decisions: the scratch run's last point is the
        // sum of its updates' batch sizes, as logged.
        let scratchRun = root.appendingPathComponent("runs/tic-tac-toe/scratch/seed-1")
        let run = try RunData(directory: scratchRun)
        #expect(Double(run.updates.reduce(0) { $0 + $1.statistics.decisions }) == curves.first { $0.condition == "scratch" && $0.seed == 1 }!.steps.last)
        #expect(run.periodicEvaluations.allSatisfy { $0.gameDecisions != nil })
        for file in ["checkpoints/tic-tac-toe/pretrain/seed-2.ckpt", "checkpoints/tic-tac-toe/joint/seed-1.ckpt", "runs/tic-tac-toe/joint/seed-2/log.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), "\(file)")
        }
        // The report draws it, and the same directory is not overwritten.
        let page = try Report.build(from: root)
        #expect(page.html.contains("Transfer to tic-tac-toe"))
        #expect(throws: LabError.self) { try experiment.run() }
    }

    @Test func aTinyHeldOutExperimentWritesOneRecordPerCell() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let settings = ExperimentSettings(template: tinyConfig([]), evaluateEvery: 100, evaluationGames: 4)
        var experiment = HeldOutExperiment(heldOut: ["tic-tac-toe"], pool: ["tic-tac-toe", "k-in-a-row-4x4-3", "maze-7x7"],
                                           counts: [1, 2], subsets: 2, seeds: [1], steps: 100, pretrainSteps: 100,
                                           settings: settings, output: root)
        #expect(experiment.subset(for: "tic-tac-toe", count: 2, index: 0) == ["k-in-a-row-4x4-3", "maze-7x7"])
        #expect(experiment.subset(for: "tic-tac-toe", count: 1, index: 0) == experiment.subset(for: "tic-tac-toe", count: 1, index: 0))
        // Two other games: two 1-game subsets, but only one 2-game subset.
        #expect(Set(experiment.distinctSubsets(for: "tic-tac-toe", count: 1)) == [["k-in-a-row-4x4-3"], ["maze-7x7"]])
        #expect(experiment.distinctSubsets(for: "tic-tac-toe", count: 2) == [["k-in-a-row-4x4-3", "maze-7x7"]])
        let result = try experiment.run()
        #expect(result.records.count == 2 + 1)
        #expect(result.records.allSatisfy { !$0.subset.contains("tic-tac-toe") && $0.subset.count == $0.pretrainGames })
        #expect(Set(result.records.compactMap(\.scratch)).count == 1, "one from-scratch baseline per held-out game and seed")
        #expect(try HeldOutResult.read(from: root) == result)
        experiment.counts = [3]
        #expect(experiment.problem?.contains("2 other games") == true)
    }

    @Test func hiddenLayersEndInTheFeaturesTheValueHeadReads() throws {
        for architecture in [Architecture.mlp, .transformer] {
            let network = TextPolicyNetwork(config: tinyConfig([], architecture: architecture).model, seed: 5)
            var builder = PolicyBatchBuilder()
            let batch = try builder.batch([(observation: "tic-tac-toe\nx..\n.o.\n...", actions: ["a1", "c3"]),
                                           (observation: "tic-tac-toe\n...\n...\n...", actions: ["b2"])])
            let output = network.forward(batch)
            let values = [output.values[0], output.values[1]]
            let layers = network.encoder.hiddenLayers()
            #expect(layers.map(\.name) == (architecture == .mlp ? ["layer 1", "layer 2"] : ["block 1", "block 2", "output"]))
            #expect(layers.allSatisfy { $0.batch == 2 && $0.width == 8 })
            // value = h . w + b, from the last layer and the stored value head.
            let store = network.store
            let w = store.parameters + store.view(named: "value.weight")!.offset, bias = store.parameters[store.view(named: "value.bias")!.offset]
            for b in 0..<2 {
                let h = Array(layers.last!.row(b))
                let value = (0..<8).reduce(bias) { $0 + h[$1] * w[$1] }
                #expect(abs(value - values[b]) < 1e-5)
            }
        }
    }

    @Test func occupancyIsReadFromTheObservationBoard() {
        let sample = StateSample(game: "tic-tac-toe", observations: ["tic-tac-toe\nx..\n.o.\n..x"], observationsWithoutID: ["x..\n.o.\n..x"],
                                 actions: [["b1"]], isTask: false)
        #expect(sample.moverOccupies("a3", in: 0) == true)
        #expect(sample.moverOccupies("b2", in: 0) == false, "o is the opponent's")
        #expect(sample.moverOccupies("c1", in: 0) == true)
        #expect(sample.moverOccupies("a1", in: 0) == false)
        #expect(sample.moverOccupies("d1", in: 0) == nil && sample.moverOccupies("a4", in: 0) == nil)
        let task = StateSample(game: "key-door-5x5", observations: ["key-door-5x5\n#####\n#.@G#\n#####\nkey--"],
                               observationsWithoutID: ["#####\n#.@G#\n#####\nkey--"], actions: [["up"]], isTask: true)
        #expect(task.moverOccupies("c2", in: 0) == true && task.moverOccupies("c4", in: 0) == nil, "the key line is not board")
    }

    /// A model trained with the id hidden reads the game's own observation without the id
    /// line, the same text it was trained on.
    @Test func hiddenIDModelsReadTheGamesObservationWithoutTheID() throws {
        let game = try GameCatalog.registry.game("connect-four")
        let sample = StateSample(game: game, count: 20, seed: 3)
        #expect(sample.observations.count == 20 && sample.observationsWithoutID.count == 20)
        for index in sample.observations.indices {
            #expect(sample.observation(index, showingID: true) == sample.observations[index])
            #expect(sample.observation(index, showingID: false) == sample.observationsWithoutID[index])
            #expect(sample.observations[index] == "connect-four\n" + sample.observationsWithoutID[index])
        }
        var config = tinyConfig(["connect-four"])
        config.hideGameID = true
        let network = try trainer(config).network
        let hidden = try ModelActivations(network: network, hideGameID: true, sample: sample)
        let withoutID = StateSample(game: sample.game, observations: sample.observationsWithoutID, observationsWithoutID: sample.observationsWithoutID,
                                    actions: sample.actions, isTask: sample.isTask)
        #expect(hidden.values == (try ModelActivations(network: network, hideGameID: false, sample: withoutID)).values)
        #expect(hidden.values != (try ModelActivations(network: network, hideGameID: false, sample: sample)).values, "the id line changes the input")
    }

    @Test func analysisOfUntrainedCheckpointsHasCKAOneOnTheSameModel() throws {
        let a = try trainer(tinyConfig(["tic-tac-toe"], seed: 1)).checkpoint(elapsedSeconds: 0)
        let b = try trainer(tinyConfig(["tic-tac-toe"], seed: 2)).checkpoint(elapsedSeconds: 0)
        let games = ["tic-tac-toe", "k-in-a-row-4x4-3"]
        let same = try RepresentationAnalysis(models: [.init(name: "A", checkpoint: a), .init(name: "A again", checkpoint: a)],
                                              games: games, states: 60).run()
        #expect(same.cka.count == 3, "per game and pooled")
        for table in same.cka {
            #expect(table.rows == ["layer 1", "layer 2"] && table.columns == table.rows)
            for i in 0..<2 { #expect(abs(table.values[i][i] - 1) < 1e-9, "\(table.title) \(table.values)") }
        }
        let other = try RepresentationAnalysis(models: [.init(name: "A", checkpoint: a), .init(name: "B", checkpoint: b)],
                                               games: games, states: 60).run()
        #expect(other.cka.allSatisfy { table in (0..<2).allSatisfy { table.values[$0][$0] < 0.999 } })
        #expect(other.taskVariance.count == 2 * 2, "every layer of both models")
        #expect(other.taskVariance.allSatisfy { $0.games == games && $0.rotatedVariances != nil })
        // b2 exists on both boards: one occupancy and one value probe per model, 2 x 2 games.
        #expect(other.probes.count == 4)
        #expect(other.probes.allSatisfy { $0.accuracy.count == 2 && $0.accuracy.allSatisfy { $0.count == 2 } })
        // Written and read back as the report reads it.
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try other.write(to: root)
        #expect(try AnalysisResult.read(from: root) == other)
    }

    /// A gated model's analysis lists each game's gate factors per layer; the gate is read
    /// from the id line, so its values are those `TextPolicyNetwork.gameGates` gives.
    @Test func gatedModelsGetTheirGatesAnalysedPerLayer() throws {
        var config = tinyConfig(["tic-tac-toe"], seed: 4)
        config.gameGate = true
        let trainer = try trainer(config)
        // Gates away from 1, so that games differ (a new gate starts within 0.01 of 1).
        let store = trainer.network.store
        for name in ["gate.layer1.weight", "gate.layer2.weight"] {
            let view = try #require(store.view(named: name))
            for i in 0..<view.count { store.parameters[view.offset + i] = Float((i * 7919) % 201 - 100) / 100 }
        }
        let games = ["tic-tac-toe", "connect-four", "maze-7x7"]
        let result = try RepresentationAnalysis(models: [.init(name: "gated", checkpoint: trainer.checkpoint(elapsedSeconds: 0))],
                                                games: games, states: 20).run()
        #expect(result.gates.map(\.title) == ["gated, layer 1", "gated, layer 2"])
        for (l, table) in result.gates.enumerated() {
            #expect(table.games == games && table.gates.allSatisfy { $0.count == 8 && $0.allSatisfy { $0 > 0 && $0 < 2 } })
            let expected = try games.map { try #require(try trainer.network.gameGates(firstLine: $0))[l].map(Double.init) }
            #expect(zip(table.gates.joined(), expected.joined()).allSatisfy { abs($0 - $1) < 1e-6 })
            #expect(table.gates[0] != table.gates[1], "another id line, another gate")
            let cosines = table.cosines
            #expect(games.indices.allSatisfy { abs(cosines[$0][$0] - 1) < 1e-9 })
            #expect(cosines[0][1] == cosines[1][0] && cosines[0][1] < 1 - 1e-6)
            #expect((0..<3).allSatisfy { abs(table.share($0, below: 0.5) + table.share($0, above: 0.5) - 1) < 1e-12 || table.gates[$0].contains(0.5) })
        }
        // Written and read back; a file from before the gate (no "gates") reads as none.
        #expect(try readBack(result, without: "gates")?.gates.isEmpty == true)
        // A model without a gate has none to analyse.
        let plain = try self.trainer(tinyConfig(["tic-tac-toe"], seed: 4)).checkpoint(elapsedSeconds: 0)
        #expect(try RepresentationAnalysis(models: [.init(name: "plain", checkpoint: plain)], games: games, states: 20).run().gates.isEmpty)
    }

    /// A model with glimpses gets each head's weights on each game's characters; a head
    /// whose saliency favours `@` looks at the agent in every grid task.
    @Test func glimpseModelsGetTheirHeadsAnalysed() throws {
        var config = tinyConfig(["maze-7x7"], seed: 4)
        config.glimpses = 2
        let trainer = try trainer(config)
        let saliency = try #require(trainer.network.store.view(named: "glimpse.saliency"))
        let agent = Int(try #require(Tokenizer.token(for: "@")))
        trainer.network.store.parameters[saliency.offset + agent * 2] = 10  // head 1, character '@'
        let games = ["maze-7x7", "lava-9x9", "tic-tac-toe"]
        let result = try RepresentationAnalysis(models: [.init(name: "glimpsed", checkpoint: trainer.checkpoint(elapsedSeconds: 0))],
                                                games: games, states: 20).run()
        let table = try #require(result.glimpses.first)
        #expect(result.glimpses.count == 1 && table.title == "glimpsed" && table.games == games)
        #expect(table.weights.allSatisfy { $0.count == 2 }, "two heads per game")
        for g in games.indices {
            for head in 0..<2 { #expect(abs(table.weights[g][head].values.reduce(0, +) - 1) < 1e-4, "\(games[g]), head \(head + 1)") }
        }
        for g in 0..<2 { #expect(table.top(g, head: 0).first?.character == "@" && table.top(g, head: 0)[0].weight > 0.99, "\(games[g])") }
        #expect(table.weights[2][0]["@"] == nil, "no agent in tic-tac-toe")
        #expect(table.summary(0, head: 0).hasPrefix("@ 1.00"))
        // Written and read back; a file from before glimpses reads as none.
        #expect(try readBack(result, without: "glimpses")?.glimpses.isEmpty == true)
        #expect(try RepresentationAnalysis(models: [.init(name: "plain", checkpoint: self.trainer(tinyConfig(["tic-tac-toe"], seed: 4)).checkpoint(elapsedSeconds: 0))],
                                           games: games, states: 20).run().glimpses.isEmpty)
    }
}
