import GameKit

/// Reads `--game-weights`: comma-separated `KEY=WEIGHT` pairs that set how often each game
/// of a run is drawn (`TrainingConfig.gameWeights`).
///
/// A key names games of the run in one of three ways, the most specific winning when
/// several name the same game:
/// 1. a game id (`othello-8x8=2`);
/// 2. a prefix ending in `*` (`maze-*=2`); a longer prefix beats a shorter one;
/// 3. a group: `tasks` (single-player games) or `two-player`.
///
/// So `tasks=3,maze-*=2,maze-7x7=1` gives the key-door, lava and coins tasks weight 3, the
/// two larger mazes 2 and maze-7x7 1. Every other game keeps weight 1.
public enum GameWeights {
    /// What is wrong with a `--game-weights` text.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The groups a key can name, by the player count of the games they hold.
    static let groups: [(name: String, playerCount: Int)] = [("tasks", 1), ("two-player", 2)]

    /// The weight of every game of `games` that `text` names, by game id (games it does
    /// not name are left out: their weight is 1). Throws if a pair is malformed, a weight
    /// is negative or not a number, a key names no game of the run, or a key is repeated.
    public static func parse(_ text: String, games: [AnyGame]) throws(ParseError) -> [String: Double] {
        let allowed = "give KEY=WEIGHT pairs separated by commas, where KEY is a game id of the run, "
            + "a prefix ending in * (e.g. maze-*), 'tasks' or 'two-player', and WEIGHT a number of 0 or more "
            + "(e.g. tasks=3,othello-8x8=2)"
        // Each game's weight with the specificity of the key that set it:
        // 3 for an id, 2 for a prefix (ties broken by the prefix's length), 1 for a group.
        var chosen: [String: (weight: Double, rank: Int, length: Int)] = [:]
        var seenKeys: Set<String> = []
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ParseError(description: "bad game weight '\(pair)': \(allowed)") }
            let key = trimmed(parts[0]), valueText = trimmed(parts[1])
            guard !key.isEmpty, let weight = Double(valueText), weight >= 0, weight.isFinite else {
                throw ParseError(description: "bad game weight '\(pair)': \(allowed)")
            }
            guard seenKeys.insert(key).inserted else {
                throw ParseError(description: "'\(key)' is given two weights in --game-weights; give each key once")
            }
            let named: [AnyGame], rank: Int
            if let group = groups.first(where: { $0.name == key }) {
                named = games.filter { $0.playerCount == group.playerCount }
                rank = 1
            } else if key.hasSuffix("*") {
                let prefix = String(key.dropLast())
                named = games.filter { $0.id.hasPrefix(prefix) }
                rank = 2
            } else {
                named = games.filter { $0.id == key }
                rank = 3
            }
            guard !named.isEmpty else {
                throw ParseError(description: "'\(key)' in --game-weights names no game of this run (its games: "
                                 + games.map(\.id).joined(separator: ", ") + "); \(allowed)")
            }
            for game in named {
                if let previous = chosen[game.id], (previous.rank, previous.length) > (rank, key.count) { continue }
                chosen[game.id] = (weight, rank, key.count)
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
