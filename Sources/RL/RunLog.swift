import Foundation

/// A run's directory, `runs/NAME/`: `config.json` (the training config) and `log.jsonl`,
/// one JSON object per line per event. Logs are the interface between training and
/// everything after it (plots, tables, analyses), so every line is flushed as written.
public final class RunLog {
    public let directory: URL
    private let log: JSONLines

    /// Opens (creating if needed) the run directory and appends to its log.
    public init(directory: URL, config: TrainingConfig) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.sortedKeys, .prettyPrinted]
        try pretty.encode(config).write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        log = try JSONLines(appendingTo: directory.appendingPathComponent("log.jsonl"))
    }

    /// Appends one event.
    public func write(_ event: some Encodable) throws { try log.write(event) }
}

/// A file of JSON lines, opened for appending (created if missing); each `write` adds one
/// line with sorted keys and hands it to the system at once.
public final class JSONLines {
    private let handle: FileHandle
    private let encoder = JSONEncoder()

    public init(appendingTo url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CheckpointError.io("cannot create \(url.path)")
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Appends one object as a line.
    public func write(_ value: some Encodable) throws {
        var line = try encoder.encode(value)
        line.append(0x0A)
        try handle.write(contentsOf: line)
    }

    deinit { try? handle.close() }
}

/// A `train` event: one update.
public struct TrainEvent: Codable, Sendable {
    public var event = "train"
    public var update: Int
    public var decisions: Int
    public var games: Int
    public var seconds: Double
    public var decisionsPerSecond: Double
    public var statistics: UpdateStatistics
    /// Mean learner return per game over the results since the last event (tasks; games
    /// against random or the pool).
    public var returns: [String: Double]
    /// Per game, the policy's entropy on this update's decisions (`Trainer.Report.entropyPerGame`).
    public var entropies: [String: Double]?
    /// Per task, the backplay schedule's reach after this update (`Backplay.reach`); nil
    /// when backplay is off.
    public var backplayReach: [String: Int]?

    public init(update: Int, decisions: Int, games: Int, seconds: Double, decisionsPerSecond: Double,
                statistics: UpdateStatistics, returns: [String: Double], entropies: [String: Double]? = nil,
                backplayReach: [String: Int]? = nil) {
        self.update = update
        self.decisions = decisions
        self.games = games
        self.seconds = seconds
        self.decisionsPerSecond = decisionsPerSecond
        self.statistics = statistics
        self.returns = returns
        self.entropies = entropies
        self.backplayReach = backplayReach
    }
}

/// An `eval` event: a player's score in one game against one opponent.
public struct EvalEvent: Codable, Sendable {
    public var event = "eval"
    public var update: Int
    public var decisions: Int
    public var score: GameScore
    public var lower: Double
    public var upper: Double
    /// Training time when it was taken (periodic evaluations).
    public var seconds: Double?
    /// Decisions learned from in this game so far (periodic evaluations; a joint run's
    /// share of this game, the x axis of a transfer curve).
    public var gameDecisions: Int?
    /// The game's running advantage spread at the time (`AdvantageScaling.running`); its
    /// advantages are divided by the larger of this and the floor. Small for a game whose
    /// batches rarely hold a reward.
    public var advantageSpread: Double?

    public init(update: Int, decisions: Int, score: GameScore) {
        self.update = update
        self.decisions = decisions
        self.score = score
        (lower, upper) = score.interval
    }
}
