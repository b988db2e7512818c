import Testing
import Foundation
import SeededRandom
import GameKit
@testable import Games

/// Chess-lite (Gardner minichess) against published facts and hand-built positions.
@Suite struct ChessLiteTests {
    let chess = ChessLite()

    func position(_ moves: [String], from fen: String? = nil) throws -> ChessLite.State {
        var state = try fen.map { try chess.state(fen: $0) } ?? chess.initialState(seed: 0)
        for move in moves { try chess.apply(move, to: &state) }
        return state
    }

    @Test func perftFromTheStartMatchesPublishedCounts() {
        // Gardner minichess perft: 7, 53, 506, 4775, 52512, 572874 (depths 1-6), the published
        // counts quoted in the game-suite issue; Fairy-Stockfish (`UCI_Variant gardner`,
        // `go perft N`) prints the same numbers.
        let start = chess.initialState(seed: 0)
        #expect((1...5).map { chess.perft(start, depth: $0) } == [7, 53, 506, 4775, 52512])
    }

    @Test func perftDepthSix() {
        #expect(chess.perft(chess.initialState(seed: 0), depth: 6) == 572_874)
    }

    @Test func blackSeesTheBoardFlippedAndMovesUp() throws {
        let start = chess.initialState(seed: 0)
        let whiteMoves = ["a2a3", "b1a3", "b1c3", "b2b3", "c2c3", "d2d3", "e2e3"]
        #expect(chess.legalActions(in: start) == whiteMoves)
        #expect(chess.legalActions(in: start, notation: .mover) == whiteMoves)
        #expect(chess.observationRows(of: start) == ["rnbqk", "ppppp", ".....", "PPPPP", "RNBQK"])
        // After 1. c2c3 Black's view mirrors White's: its pieces upper case at the bottom,
        // and its moves, in its own coordinates, are White's first moves.
        let afterC3 = try position(["c2c3"])
        #expect(chess.observationRows(of: afterC3) == ["rnbqk", "pp.pp", "..p..", "PPPPP", "RNBQK"])
        #expect(chess.legalActions(in: afterC3).contains("b5a3"))
        #expect(chess.legalActions(in: afterC3, notation: .mover).contains("b1a3"))
        #expect(chess.legalActions(in: afterC3, notation: .mover).contains("b2c3"), "b4xc3 in Black's coordinates")
        #expect(chess.legalActions(in: afterC3).contains("b4c3"))
    }

    @Test func checkmateStalemateAndPromotion() throws {
        // Back-rank mate: the Black king on a5 is walled in by its own pawns; Re1-e5 mates.
        let mateInOne = try chess.state(fen: "k4/pp3/5/5/K3R w")
        let mated = try chess.applying("e1e5", to: mateInOne)
        #expect(chess.returns(in: mated) == [1, -1])
        #expect(chess.outcome(mated) == .checkmate(winner: 0))
        // Stalemate: Black king a5 against the queen on b3; a4, b4 and b5 are covered, a5 is not attacked.
        let stalemate = try chess.state(fen: "k4/5/1Q3/5/4K b")
        #expect(chess.legalActionIDs(in: stalemate).isEmpty)
        #expect(chess.outcome(stalemate) == .stalemate)
        #expect(chess.returns(in: stalemate) == [0, 0])
        // A pawn on the fourth rank promotes to any of four pieces, and only by promoting.
        let promote = try chess.state(fen: "4k/P4/5/5/4K w")
        let moves = chess.legalActions(in: promote)
        #expect(Set(moves).isSuperset(of: ["a4a5b", "a4a5n", "a4a5q", "a4a5r"]))
        #expect(!moves.contains("a4a5"))
        let queened = try chess.applying("a4a5q", to: promote)
        #expect(chess.render(queened).contains("Q"))
        #expect(chess.observationRows(of: queened).contains { $0.contains("q") }, "the new queen is the opponent's, lower case, for Black")
    }

    @Test func movesIntoCheckAndPinnedPiecesAreIllegal() throws {
        // The White knight on c2 is pinned by the rook on c5 against its king on c1.
        let pinned = try chess.state(fen: "2r1k/5/5/2N2/2K2 w")
        #expect(!chess.legalActions(in: pinned).contains { $0.hasPrefix("c2") }, "a pinned knight cannot move")
        // The king may not step next to the enemy king.
        let kings = try chess.state(fen: "5/2k2/5/2K2/5 w")
        #expect(!chess.legalActions(in: kings).contains { $0.hasSuffix("3") })
    }

    @Test func repetitionAndQuietMovesDraw() throws {
        // Knights go out and back twice: the start position occurs for the third time.
        var state = chess.initialState(seed: 0)
        for _ in 0..<2 {
            for move in ["b1a3", "b5c3", "a3b1", "c3b5"] { try chess.apply(move, to: &state) }
        }
        #expect(chess.outcome(state) == .repetition)
        #expect(chess.returns(in: state) == [0, 0])
        // A short quiet-ply limit ends a game of king moves.
        let quiet = ChessLite(quietPlyLimit: 4)
        var kings = try quiet.state(fen: "k4/5/5/5/4K w")
        for move in ["e1d1", "a5b5", "d1c1", "b5a5"] { try quiet.apply(move, to: &kings) }
        #expect(quiet.outcome(kings) == .quietMoves)
    }

    @Test func badPositionsAndMovesGetClearErrors() throws {
        for fen in ["rnbqk/ppppp/5/PPPPP w", "rnbqk/ppppp/5/PPPPP/RNBQX w", "rnbq1/ppppp/5/PPPPP/RNBQK w", "rnbqk/ppppp/6/PPPPP/RNBQK w"] {
            #expect(throws: GameError.self) { _ = try chess.state(fen: fen) }
        }
        let start = chess.initialState(seed: 0)
        #expect {
            _ = try chess.applying("a2a4", to: start)
        } throws: { error in
            (error as? GameError)?.description.contains("legal moves: a2a3 b1a3") == true
        }
    }
}

/// Chess-lite against an independent implementation: Fairy-Stockfish's `gardner` variant
/// (Debian package `fairy-stockfish`, which CI installs). Perft from positions reached by
/// random play must agree move for move.
@Suite struct ChessLiteAgainstFairyStockfishTests {
    static let engine = "/usr/games/fairy-stockfish"
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: engine) }

    /// Fairy-Stockfish's `go perft` total from `fen`, through the engine process layer.
    func engineResult(fen: String, depth: Int) throws -> Int {
        let engine = try EngineProcess(executable: URL(fileURLWithPath: Self.engine), arguments: [], name: "fairy-stockfish", timeout: 60)
        defer { engine.close() }
        for command in ["uci", "setoption name UCI_Variant value gardner", "position fen \(fen) - - 0 1", "go perft \(depth)"] {
            try engine.send(command)
        }
        let line = try engine.readLines(waitingFor: "go perft \(depth)") { $0.hasPrefix("Nodes searched:") }.last!
        guard let count = Int(line.split(separator: " ").last ?? "") else {
            throw GameError.badPosition(game: "chess-lite", reason: "Fairy-Stockfish gave no perft for \(fen): \(line)")
        }
        return count
    }

    @Test(.enabled(if: installed, "needs Debian's fairy-stockfish")) func perftAgreesOnRandomPositions() throws {
        let chess = ChessLite()
        var rng = SeededGenerator(seed: 2026)
        var checked = 0
        for game in 0..<12 {
            var state = chess.initialState(seed: 0)
            let plies = 4 + game * 2
            for _ in 0..<plies where !chess.isTerminal(state) {
                let actions = chess.legalActionIDs(in: state)
                chess.play(actions[Int(rng.next() % UInt64(actions.count))], in: &state)
            }
            if chess.isTerminal(state) { continue }
            let fen = chess.fen(of: state)
            let fresh = try chess.state(fen: fen)
            #expect(chess.fen(of: fresh) == fen, "FEN round trip")
            #expect(chess.perft(fresh, depth: 3) == (try engineResult(fen: fen, depth: 3)), "perft 3 of \(fen)")
            checked += 1
        }
        #expect(checked >= 8)
    }
}
