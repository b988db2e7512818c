import GameKit

/// Reads `--game-weights`: comma-separated `KEY=WEIGHT` pairs that set how often each game
/// of a run is drawn (`TrainingConfig.gameWeights`).
///
/// A key names games of the run in one of three ways:
/// 1. a game id (`othello-8x8=2`);
/// 2. a prefix ending in `*` (`maze-*=2`; `*` alone names every game);
/// 3. a group: `tasks` (single-player games) or `two-player`.
///
/// When several keys name the same game, the one naming the fewest games of the run wins
/// (on a tie: an id before a prefix before a group, then the longer key). So
/// `tasks=3,maze-*=2,maze-7x7=1` gives the key-door, lava and coins tasks weight 3, the
/// two larger mazes 2 and maze-7x7 1, and `*=0,tasks=1` trains the tasks alone. Every
/// game no key names keeps weight 1.
///
/// A weight is 0 or lies in [`smallest`, `largest`]: the bounds keep the sampler's sums
/// and ratios (weight / decisions per game) far from overflow and underflow.
public enum GameWeights {
    /// What is wrong with a `--game-weights` text.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The smallest positive weight and the largest weight allowed.
    public static let smallest = 0.001, largest = 1000.0

    /// Why a weight cannot be used, or nil (`smallest`, `largest`).
    static func problem(with weight: Double) -> String? {
        if weight == 0 || (weight >= smallest && weight <= largest) { return nil }
        return "a game weight must be 0 or lie between \(smallest) and \(Int(largest)) (got \(weight))"
    }

    /// The groups a key can name, by the player count of the games they hold.
    static let groups: [(name: String, playerCount: Int)] = [("tasks", 1), ("two-player", 2)]

    /// The weight of every game of `games` that `text` names, by game id (games it does
    /// not name are left out: their weight is 1). Throws if a pair is malformed, a weight
    /// is negative or not a number, a key names no game of the run, or a key is repeated.
    public static func parse(_ text: String, games: [AnyGame]) throws(ParseError) -> [String: Double] {
        let allowed = "give KEY=WEIGHT pairs separated by commas, where KEY is a game id of the run, "
            + "a prefix ending in * (e.g. maze-*), 'tasks' or 'two-player', and WEIGHT 0 or a number from "
            + "\(smallest) to \(Int(largest)) (e.g. tasks=3,othello-8x8=2)"
        /// Each game's weight with the specificity of the key that set it: fewer games named
        /// first, then the kind (an id 3, a prefix 2, a group 1), then the key's length.
        struct Choice { var weight: Double; var named: Int; var kind: Int; var length: Int
            func beats(_ other: Choice) -> Bool { (-named, kind, length) > (-other.named, other.kind, other.length) }
        }
        var chosen: [String: Choice] = [:]
        var seenKeys: Set<String> = []
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ParseError(description: "bad game weight '\(pair)' (not KEY=WEIGHT): \(allowed)") }
            let key = trimmed(parts[0]), valueText = trimmed(parts[1])
            guard !key.isEmpty else { throw ParseError(description: "bad game weight '\(pair)' (no key): \(allowed)") }
            guard let parsed = Double(valueText), parsed.isFinite else {
                throw ParseError(description: "bad game weight '\(pair)' ('\(valueText)' is not a finite number): \(allowed)")
            }
            let weight = parsed == 0 ? 0 : parsed  // -0 is 0
            if let problem = problem(with: weight) { throw ParseError(description: "bad game weight '\(pair)': \(problem); \(allowed)") }
            guard seenKeys.insert(key).inserted else {
                throw ParseError(description: "'\(key)' is given two weights in --game-weights; give each key once")
            }
            let named: [AnyGame], kind: Int
            if let group = groups.first(where: { $0.name == key }) {
                named = games.filter { $0.playerCount == group.playerCount }
                kind = 1
            } else if key.hasSuffix("*") {
                let prefix = String(key.dropLast())
                named = games.filter { $0.id.hasPrefix(prefix) }
                kind = 2
            } else {
                named = games.filter { $0.id == key }
                kind = 3
            }
            guard !named.isEmpty else {
                throw ParseError(description: "'\(key)' in --game-weights names no game of this run (its games: "
                                 + games.map(\.id).joined(separator: ", ") + "); \(allowed)")
            }
            let choice = Choice(weight: weight, named: named.count, kind: kind, length: key.count)
            for game in named where chosen[game.id].map({ choice.beats($0) }) ?? true {
                chosen[game.id] = choice
            }
        }
        let weights = chosen.mapValues(\.weight).filter { $0.value != 1 }
        guard games.contains(where: { (weights[$0.id] ?? 1) > 0 }) else {
            throw ParseError(description: "--game-weights gives every game of the run weight 0: at least one must be trained")
        }
        return weights
    }

    /// `text` without leading and trailing spaces.
    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
