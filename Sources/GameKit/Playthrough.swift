import SeededRandom

/// Golden playthroughs: one fixed seeded game written out move by move, the observation
/// and the legal actions (both notations) after every move. A file per game is committed
/// under Tests/GamesTests/Golden; a test replays the game and diffs, so any change to a
/// game's rules or text shows up as a readable diff (`swift run play golden` rewrites them).
public enum Playthrough {
    /// The seed of the level (procedural games) and of the uniformly random moves.
    public static let levelSeed: UInt64 = 0
    public static let moveSeed: UInt64 = 1

    /// The golden text of `game`: its level from `levelSeed`, moves drawn uniformly from
    /// the legal ones with `SeededGenerator(seed: moveSeed)`, to the end of the game.
    public static func golden<G: Game>(_ game: G) -> String {
        var rng = SeededGenerator(seed: moveSeed)
        var state = game.initialState(seed: levelSeed)
        var lines = ["# \(game.id): level seed \(levelSeed), uniformly random moves from seed \(moveSeed)"]
        var move = 0
        while true {
            lines.append("")
            lines.append("after move \(move), player \(game.currentPlayer(in: state)) to move")
            lines.append(game.observation(of: state))
            if let returns = game.returns(in: state) {
                lines.append("returns: " + returns.map { String($0) }.joined(separator: " "))
                break
            }
            lines.append("legal: " + game.legalActions(in: state, notation: .absolute).joined(separator: " "))
            lines.append("mover: " + game.legalActions(in: state, notation: .mover).joined(separator: " "))
            let actions = game.legalActionIDs(in: state)
            let action = actions[Int(rng.next() % UInt64(actions.count))]
            lines.append("play: " + game.actionText(action, in: state, notation: .absolute))
            game.play(action, in: &state)
            move += 1
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
