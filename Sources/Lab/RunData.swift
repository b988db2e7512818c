import Foundation
import RL

/// One training run read back from its directory (`config.json` and `log.jsonl`, see
/// `RunLog`): logs are the interface between training and everything after it.
public struct RunData: Sendable {
    public var name: String
    public var directory: URL
    /// The config's values as text, by key (e.g. "width": "128"), for labels and grouping.
    public var settings: [String: String]
    public var games: [String]
    public var seed: String
    public var evaluations: [EvalEvent]
    public var updates: [TrainEvent]

    /// The runs that differ only by seed share this key: they are one condition, and their
    /// spread is the seed-to-seed variation the intervals measure.
    public var conditionKey: String {
        settings.filter { $0.key != "seed" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// The config's games, then any other game the log evaluates, in first-seen order.
    public var gamesWithEvaluations: [String] {
        evaluations.reduce(into: games) { all, event in if !all.contains(event.score.game) { all.append(event.score.game) } }
    }

    /// Periodic evaluations during training (they carry the training time).
    public var periodicEvaluations: [EvalEvent] { evaluations.filter { $0.seconds != nil } }

    /// The evaluations at the end of the run; when it ended early (no final table), the last
    /// periodic evaluation of each game and opponent.
    public var finalEvaluations: [EvalEvent] {
        let final = evaluations.filter { $0.seconds == nil }
        if !final.isEmpty { return final }
        var last: [String: EvalEvent] = [:]
        for event in periodicEvaluations { last[event.score.game + "/" + event.score.opponent] = event }
        return last.values.sorted { ($0.score.game, $0.score.opponent) < ($1.score.game, $1.score.opponent) }
    }

    /// Reads one run directory.
    public init(directory: URL) throws {
        self.directory = directory
        name = directory.lastPathComponent
        let configURL = directory.appendingPathComponent("config.json")
        guard let configData = try? Data(contentsOf: configURL),
              let object = try? JSONSerialization.jsonObject(with: configData) as? [String: Any] else {
            throw LabError("\(configURL.path): missing or not a JSON object; is \(directory.path) a run directory?")
        }
        // A setting the file predates is filled in as `TrainingConfig` reads a missing field
        // (the value such a run used), so a run from before an option existed groups with a
        // newer run that has the option at its old behaviour. Settings the file has stay as
        // written.
        settings = object.mapValues(RunData.text).merging(RunData.settingsOfAnEmptyConfig) { written, _ in written }
        games = object["games"] as? [String] ?? []
        seed = settings["seed"] ?? "?"
        (evaluations, updates) = try RunData.readLog(directory.appendingPathComponent("log.jsonl"))
    }

    /// Every run under `url`: the run itself if it holds `config.json`, else the run
    /// directories inside it (searched up to `depth` levels, so a sweep's cells are found),
    /// in name order. An empty result is an error that says what was expected.
    public static func load(_ url: URL, depth: Int = 3) throws -> [RunData] {
        var runs: [RunData] = []
        func visit(_ directory: URL, _ level: Int) throws {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path)
                && FileManager.default.fileExists(atPath: directory.appendingPathComponent("log.jsonl").path) {
                runs.append(try RunData(directory: directory))
                return
            }
            guard level < depth else { return }
            let children = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
            for child in children.sorted(by: { $0.lastPathComponent < $1.lastPathComponent })
            where (try? child.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                try visit(child, level + 1)
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LabError("\(url.path) is not a directory; pass a run directory (runs/NAME) or a directory of runs")
        }
        try visit(url, 0)
        return runs
    }

    /// The log's eval and train events; other events are skipped. A line that is not JSON
    /// is an error with its line number, except an unfinished last line (a run still writing).
    static func readLog(_ url: URL) throws -> ([EvalEvent], [TrainEvent]) {
        guard let data = try? Data(contentsOf: url) else { throw LabError("cannot read \(url.path)") }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        var evaluations: [EvalEvent] = [], updates: [TrainEvent] = []
        struct Kind: Decodable { var event: String }
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let isUnfinished = index == lines.count - 1
            do {
                let kind = try decoder.decode(Kind.self, from: line)
                switch kind.event {
                case "eval": evaluations.append(try decoder.decode(EvalEvent.self, from: line))
                case "train": updates.append(try decoder.decode(TrainEvent.self, from: line))
                default: continue
                }
            } catch {
                if isUnfinished { continue }
                throw LabError("\(url.path), line \(index + 1): not a log event (\(error))")
            }
        }
        return (evaluations, updates)
    }

    /// Every `TrainingConfig` field as a config.json without it is read (each field falls
    /// back on its own, so this is what any older file gets for the fields it lacks).
    private static let settingsOfAnEmptyConfig: [String: String] = {
        guard let config = try? JSONDecoder().decode(TrainingConfig.self, from: Data(#"{"games": []}"#.utf8)),
              let data = try? JSONEncoder().encode(config),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            preconditionFailure("a config with no games and no other fields must decode and encode")
        }
        return object.filter { $0.key != "games" }.mapValues(text)
    }()

    private static func text(_ value: Any) -> String {
        switch value {
        case let string as String: return string
        case let array as [Any]: return array.map(text).joined(separator: ",")
        case let number as NSNumber: return number.stringValue
        default: return String(describing: value)
        }
    }
}

/// Runs that differ only by seed.
public struct Condition: Sendable {
    /// A short name: the settings that differ between the conditions, or the games.
    public var name: String
    public var runs: [RunData]

    /// Groups runs into conditions, named by the settings in which they differ.
    public static func group(_ runs: [RunData]) -> [Condition] {
        var order: [String] = [], byKey: [String: [RunData]] = [:]
        for run in runs {
            if byKey[run.conditionKey] == nil { order.append(run.conditionKey) }
            byKey[run.conditionKey, default: []].append(run)
        }
        let representatives = order.map { byKey[$0]![0] }
        let keys = Set(representatives.flatMap { $0.settings.keys }).subtracting(["seed"]).sorted()
        let differing = keys.filter { key in Set(representatives.map { $0.settings[key] ?? "-" }).count > 1 }
        return order.map { key in
            let first = byKey[key]![0]
            let name = differing.isEmpty ? first.games.joined(separator: "+")
                                         : differing.map { "\($0)=\(first.settings[$0] ?? "-")" }.joined(separator: " ")
            return Condition(name: name.count > 60 ? String(name.prefix(59)) + "…" : name, runs: byKey[key]!)
        }
    }
}
