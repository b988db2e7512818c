import ArgumentParser
import Foundation
import Games
import Lab
import RL

/// `play analyze`: CKA, task variance and cross-game probes of trained checkpoints.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Compare the hidden representations of checkpoints on the same states (CKA, task variance, probes).",
        discussion: """
        Collects the same distinct states per game by seeded random play, reads every hidden layer of each checkpoint \
        on them, and writes DIR/analysis.json: debiased linear CKA between the layers of the first and second checkpoint \
        (per game and pooled), per-unit task variance across the games with a random-rotation control, and linear probes \
        trained on one game's last-layer states and tested on another's; for a model with a game gate (--game-gate), \
        the factors its gate gives every unit in each game. `play plot DIR` draws the heatmaps.
        """)

    @Option(help: "One or two checkpoints, comma-separated (e.g. a single-game and a multi-game model).")
    var checkpoints: String

    @Option(help: "Games whose states are analysed (comma-separated or 'all').")
    var games: String

    @Option(help: "Distinct states per game.")
    var states: Int = 500

    @Option(help: "Cells of the 'the mover has a piece here' probes (comma-separated, e.g. b2,a1).")
    var cells: String = "b2"

    @Option(help: "Seed of the random play that picks the states.")
    var seed: UInt64 = 1

    @Option(help: "Output directory for analysis.json.")
    var out: String

    var checkpointPaths: [String] { checkpoints.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

    func validate() throws {
        guard (1...2).contains(checkpointPaths.count), checkpointPaths.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("--checkpoints takes one or two checkpoint files separated by a comma.")
        }
        do { _ = try GameCatalog.registry.games(games) } catch { throw ValidationError(error.description) }
        guard states >= 8 else { throw ValidationError("--states must be at least 8 (got \(states)).") }
    }

    func run() throws {
        var models: [RepresentationAnalysis.Model] = []
        for path in checkpointPaths {
            let checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: path))
            models.append(.init(name: Analyze.name(of: path, among: checkpointPaths), checkpoint: checkpoint))
        }
        let ids = try GameCatalog.registry.games(games).map(\.id)
        let analysis = RepresentationAnalysis(models: models, games: ids, states: states, seed: seed,
                                              cells: cells.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        let result = try analysis.run()
        let directory = URL(fileURLWithPath: out).absoluteURL
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try result.write(to: directory)
        for table in result.cka {
            print(table.title + " (rows: \(table.rowAxis)):")
            for (row, values) in zip(table.rows, table.values) {
                print("  " + row.padding(toLength: 10, withPad: " ", startingAt: 0) + values.map { Format.fixed($0, 2) }.joined(separator: "  "))
            }
        }
        for table in result.taskVariance {
            let analysis = TaskVariance(games: table.games, variances: table.variances)
            let rotated = table.rotatedVariances.map { TaskVariance(games: table.games, variances: $0).sharedFraction() }
            print("\(table.title): \(analysis.activeUnits.count) active units, \(Format.fixed(analysis.sharedFraction(), 2)) serve >= 2 games"
                  + (rotated.map { " (after a random rotation: \(Format.fixed($0, 2)))" } ?? ""))
        }
        for table in result.probes {
            print(table.title + " (rows: trained on, columns: tested on; accuracy / chance):")
            for (index, game) in table.games.enumerated() {
                let cells = table.accuracy[index].indices.map { j in
                    Format.fixed(table.accuracy[index][j], 2) + "/" + Format.fixed(table.chance?[index][j] ?? .nan, 2)
                }
                print("  " + game.padding(toLength: 18, withPad: " ", startingAt: 0) + cells.joined(separator: "  "))
            }
        }
        for table in result.gates {
            print("\(table.title), game gate (mean factor, share of units shut < 0.5, amplified > 1.5); "
                  + "mean cosine between games' gates \(Format.fixed(table.meanCosineBetweenGames, 2)):")
            for (g, game) in table.games.enumerated() {
                print("  " + game.padding(toLength: 18, withPad: " ", startingAt: 0)
                      + [table.mean(g), table.share(g, below: 0.5), table.share(g, above: 1.5)].map { Format.fixed($0, 2) }.joined(separator: "  "))
            }
        }
        for table in result.glimpses {
            print("\(table.title), glimpses (each head's heaviest characters, weights averaged over the states):")
            for (g, game) in table.games.enumerated() {
                print("  " + game.padding(toLength: 18, withPad: " ", startingAt: 0)
                      + table.weights[g].indices.map { "head \($0 + 1): " + table.summary(g, head: $0) }.joined(separator: "   "))
            }
        }
        print("\nwrote \(directory.appendingPathComponent(AnalysisResult.fileName).path); draw it with: play plot \(out)")
    }

    /// A short name for a checkpoint: its path, minus what all the paths share.
    static func name(of path: String, among paths: [String]) -> String {
        let parts = paths.map { $0.split(separator: "/").map(String.init) }
        let own = path.split(separator: "/").map(String.init)
        guard paths.count > 1 else { return own.suffix(2).joined(separator: "/") }
        var common = 0
        while parts.allSatisfy({ $0.count > common + 1 && $0[common] == parts[0][common] }) { common += 1 }
        return own.dropFirst(common).joined(separator: "/")
    }
}
