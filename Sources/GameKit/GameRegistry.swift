import SeededRandom

/// One registered game: what `play games` lists and how to make it.
public struct GameEntry: Sendable {
    /// The id users type.
    public let id: String
    /// One line for `play games`.
    public let summary: String
    /// 1 or 2.
    public let playerCount: Int
    /// The variant's parameters (board size, line length, ...), for listings and logs.
    public let parameters: [String: Double]
    /// Whether exact minimax can solve the game in seconds (it is offered as an opponent only then).
    public let minimaxFeasible: Bool
    /// Makes the game.
    public let make: @Sendable () -> AnyGame
    /// Plays `count` uniformly random games of the concrete (not type-erased) game from
    /// seeds `0..<count` with one generator seeded `seed`, and returns the moves played:
    /// what `play bench games` times.
    public let playRandomGames: @Sendable (_ count: Int, _ seed: UInt64) -> Int

    /// Registers `game` under its own id.
    public init<G: Game>(_ game: G, summary: String, minimaxFeasible: Bool = false) {
        id = game.id
        self.summary = summary
        self.minimaxFeasible = minimaxFeasible
        playerCount = game.playerCount
        parameters = game.parameters
        let erased = AnyGame(game)
        make = { erased }
        playRandomGames = { count, seed in
            var rng = SeededGenerator(seed: seed)
            var moves = 0
            for index in 0..<count {
                _ = game.randomPlayout(from: game.initialState(seed: UInt64(index)), using: &rng, moves: &moves)
            }
            return moves
        }
    }
}

/// The games the lab knows, looked up by id. Unknown ids get an error that lists
/// the known ones and suggests the closest.
public struct GameRegistry: Sendable {
    /// Entries in registration order.
    public let entries: [GameEntry]

    /// A registry of `entries`; ids must be unique kebab-case.
    public init(_ entries: [GameEntry]) {
        var seen = Set<String>()
        for entry in entries {
            precondition(seen.insert(entry.id).inserted, "game id \(entry.id) registered twice")
            precondition(GameRegistry.isKebabCase(entry.id), "game id \(entry.id) is not lower-case kebab-case")
        }
        self.entries = entries
    }

    /// All ids, in registration order.
    public var ids: [String] { entries.map(\.id) }

    /// The entry for `id`, or `GameError.unknownGame` with a did-you-mean.
    public func entry(_ id: String) throws(GameError) -> GameEntry {
        let wanted = id.trimmingWhitespace().lowercased()
        if let entry = entries.first(where: { $0.id == wanted }) { return entry }
        throw .unknownGame(name: id, known: ids, suggestion: closestID(to: wanted))
    }

    /// The game called `id`.
    public func game(_ id: String) throws(GameError) -> AnyGame { try entry(id).make() }

    /// The games a comma-separated list names; `all` means every game.
    public func games(_ list: String) throws(GameError) -> [AnyGame] {
        if list.trimmingWhitespace().lowercased() == "all" { return entries.map { $0.make() } }
        var result: [AnyGame] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            let id = String(name).trimmingWhitespace()
            if id.isEmpty { throw .badGameList("an empty name in '\(list)'") }
            let found = try game(id)
            if result.contains(where: { $0.id == found.id }) { throw .badGameList("\(found.id) is listed twice") }
            result.append(found)
        }
        return result
    }

    /// The registered id nearest to `name` by edit distance, if any is reasonably close.
    public func closestID(to name: String) -> String? {
        if !name.isEmpty, let prefixMatch = ids.first(where: { $0.hasPrefix(name) }) { return prefixMatch }
        guard let best = ids.map({ ($0, editDistance($0, name)) }).min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, best.0.count / 3) ? best.0 : nil
    }

    static func isKebabCase(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix("-") && !id.hasSuffix("-") && !id.contains("--")
            && id.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}

/// Levenshtein distance (insertions, deletions, substitutions each cost 1).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
