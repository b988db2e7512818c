import Testing
import SeededRandom
import GameKit

/// The contracts of `Game`, checked on `playouts` seeded random games of `game`:
/// sorted unique legal actions whose texts round-trip, terminal exactly when no
/// action is legal, zero-sum returns, the length limit, observations in the
/// shared vocabulary with the id line first, and same seed, same game.
func checkGame<G: Game>(_ game: G, playouts: Int, maxObservationTokens: Int = 512,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    var rng = SeededGenerator(seed: 12345)
    var problems: [String] = []
    func problem(_ text: String) { if problems.count < 5 { problems.append(text) } }
    #expect(game.playerCount == 1 || game.playerCount == 2, sourceLocation: sourceLocation)
    #expect(game.initialState(seed: 7) == game.initialState(seed: 7), "same seed, same game", sourceLocation: sourceLocation)
    for playout in 0..<playouts {
        var state = game.initialState(seed: UInt64(playout))
        var length = 0
        while true {
            let ids = game.legalActionIDs(in: state)
            let returns = game.returns(in: state)
            if ids.isEmpty != (returns != nil) { problem("terminal and no legal actions disagree after \(length) moves") }
            let mover = game.currentPlayer(in: state)
            if mover < 0 || mover >= game.playerCount { problem("current player \(mover) of \(game.playerCount)") }
            let rows = game.observationRows(of: state)
            if Set(rows.map(\.count)).count > 1 { problem("observation rows of different widths") }
            if rows.contains(where: { $0.contains(" ") }) { problem("observation rows contain spaces") }
            let observation = game.observation(of: state)
            if !observation.hasPrefix(game.id + "\n") { problem("observation does not start with the id line") }
            if let tokens = try? Tokenizer.encode(observation) {
                if tokens.count > maxObservationTokens { problem("observation has \(tokens.count) tokens") }
            } else {
                problem("observation has a character outside the vocabulary")
            }
            if let returns {
                if returns.count != game.playerCount { problem("\(returns.count) returns for \(game.playerCount) players") }
                if game.playerCount == 2 && abs(returns[0] + returns[1]) > 1e-9 { problem("returns \(returns) are not zero-sum") }
                break
            }
            if ids != ids.sorted() || Set(ids).count != ids.count { problem("action ids not sorted and unique: \(ids)") }
            // Sampled states: every legal text parses back to its id in both notations.
            if playout < 50 {
                for notation in Notation.allCases {
                    let texts = ids.map { game.actionText($0, in: state, notation: notation) }
                    if Set(texts).count != texts.count { problem("duplicate action texts \(texts)") }
                    for (id, text) in zip(ids, texts) where (try? game.actionID(for: text, in: state, notation: notation)) != id {
                        problem("'\(text)' does not parse back to action \(id)")
                    }
                }
                if (try? game.apply("zz99", to: &state)) != nil { problem("an illegal text was accepted") }
            }
            game.play(ids[Int(rng.next() % UInt64(ids.count))], in: &state)
            length += 1
            if length > game.maxLength { problem("game longer than maxLength \(game.maxLength)"); break }
        }
    }
    #expect(problems.isEmpty, "\(game.id): \(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
}
