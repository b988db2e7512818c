import Foundation
import Testing
import SeededRandom
import GameKit
@testable import Games

/// Where the outside engines are (CI installs both: Debian packages gnugo, fairy-stockfish).
enum Engines {
    static var gnuGoInstalled: Bool { (try? EngineLocator.find("gnugo", install: "")) != nil }
    static var stockfishInstalled: Bool { (try? EngineLocator.find("fairy-stockfish", install: "")) != nil }

    /// A fake engine: a shell script with `body` in a temporary directory.
    static func script(_ body: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-fake-engine-\(UUID().uuidString).sh")
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    /// A fake GTP engine that accepts every command and answers genmove with `genmove`
    /// (a shell `case` branch, e.g. `echo "= A1"; echo`).
    static func fakeGTP(genmove: String) throws -> URL {
        try script("""
        while read line; do
          case "$line" in
            protocol_version) echo "= 2"; echo ;;
            "known_command set_random_seed") echo "= false"; echo ;;
            genmove*) \(genmove) ;;
            *) echo "= "; echo ;;
          esac
        done
        """)
    }
}

/// GTP and UCI coordinates, and the engine process layer's errors, with fake engines.
@Suite struct EngineAdapterTests {
    @Test func gtpVerticesSkipIAndRoundTrip() throws {
        #expect(GTP.vertex(ofAction: "c3", boardSize: 5) == "C3")
        #expect(GTP.vertex(ofAction: "h9", boardSize: 9) == "H9")
        #expect(GTP.vertex(ofAction: "i9", boardSize: 9) == "J9", "GTP has no column I")
        #expect(GTP.action(ofVertex: "J1", boardSize: 9) == "i1")
        #expect(GTP.action(ofVertex: "pass", boardSize: 5) == "pass" && GTP.action(ofVertex: "PASS", boardSize: 5) == "pass")
        #expect(GTP.action(ofVertex: "I1", boardSize: 9) == nil, "I is no GTP column")
        #expect(GTP.action(ofVertex: "F1", boardSize: 5) == nil && GTP.action(ofVertex: "A6", boardSize: 5) == nil)
        #expect(GTP.action(ofVertex: "resign", boardSize: 5) == nil)
        for game in [GoLite.fiveByFive, GoLite.sevenBySeven, GoLite.nineByNine] {
            let start = game.initialState(seed: 0)
            let moves = game.legalActions(in: start)
            #expect(moves.count == game.size * game.size + 1)
            for move in moves {
                let vertex = try #require(GTP.vertex(ofAction: move, boardSize: game.size))
                #expect(GTP.action(ofVertex: vertex, boardSize: game.size) == move)
                #expect(!vertex.hasPrefix("I"))
            }
        }
    }

    @Test func anEngineMoveOurRulesForbidStopsTheGame() throws {
        // The fake always answers A1; after Black takes a1, White's A1 is illegal.
        let fake = try Engines.fakeGTP(genmove: #"echo "= A1"; echo"#)
        defer { try? FileManager.default.removeItem(at: fake) }
        let go = GoLite.fiveByFive
        let engine = GTPPlayer(command: EngineCommand(executable: fake, arguments: [], name: "fake"), boardSize: 5, komi: 24.5)
        var rng = SeededGenerator(seed: 1)
        let afterA1 = try go.applying("a1", to: go.initialState(seed: 0))
        #expect {
            _ = try engine.chooseAction(in: go, state: afterA1, using: &rng)
        } throws: { error in
            guard let error = error as? EngineError, case .illegalMove(let name, _, let move, let legal) = error else { return false }
            return name == "fake" && move.contains("A1") && !legal.contains("a1") && legal.contains("b1")
                && error.description.contains("not a legal move in go-lite-5x5")
        }
        // A vertex that is no point of the board is a protocol error naming the answer.
        let offBoard = try Engines.fakeGTP(genmove: #"echo "= Z9"; echo"#)
        defer { try? FileManager.default.removeItem(at: offBoard) }
        let lost = GTPPlayer(command: EngineCommand(executable: offBoard, arguments: [], name: "lost"), boardSize: 5, komi: 24.5)
        #expect(throws: EngineError.protocolError(engine: "lost", sent: "genmove black", reply: "= Z9")) {
            _ = try lost.chooseAction(in: go, state: go.initialState(seed: 0), using: &rng)
        }
    }

    @Test func aHungOrDeadEngineBecomesAnError() throws {
        let go = GoLite.fiveByFive
        var rng = SeededGenerator(seed: 1)
        // Never answers genmove: a timeout (1 s here) stops it.
        let silent = try Engines.fakeGTP(genmove: ":")
        defer { try? FileManager.default.removeItem(at: silent) }
        let hung = GTPPlayer(command: EngineCommand(executable: silent, arguments: [], name: "silent"), boardSize: 5, komi: 24.5, timeout: 1)
        #expect(throws: EngineError.timedOut(engine: "silent", waitingFor: "genmove black", seconds: 1)) {
            _ = try hung.chooseAction(in: go, state: go.initialState(seed: 0), using: &rng)
        }
        // Exits when asked to move.
        let quitter = try Engines.fakeGTP(genmove: "exit 3")
        defer { try? FileManager.default.removeItem(at: quitter) }
        let dead = GTPPlayer(command: EngineCommand(executable: quitter, arguments: [], name: "quitter"), boardSize: 5, komi: 24.5)
        #expect {
            _ = try dead.chooseAction(in: go, state: go.initialState(seed: 0), using: &rng)
        } throws: { error in
            guard let error = error as? EngineError, case .died(let name, let waiting, _) = error else { return false }
            return name == "quitter" && waiting == "genmove black" && error.description.contains("exited")
        }
        // A missing program says what to install.
        #expect {
            _ = try EngineLocator.find("no-such-engine-mgl", install: "install it with: apt-get install -y no-such-engine-mgl")
        } throws: { error in
            "\(error)".contains("not installed") && "\(error)".contains("apt-get install -y no-such-engine-mgl")
        }
    }

    @Test func engineNamesAreCheckedAgainstTheGame() throws {
        let chess = try GameCatalog.registry.entry("chess-lite"), go = try GameCatalog.registry.entry("go-lite-5x5")
        #expect(throws: PlayerNameError.self) { _ = try BaselinePlayers.player(named: "gnugo:1", for: chess) }
        #expect(throws: PlayerNameError.self) { _ = try BaselinePlayers.player(named: "stockfish:1", for: go) }
        #expect {
            _ = try BaselinePlayers.player(named: "gnugo:1", for: try GameCatalog.registry.entry("connect-four"))
        } throws: { error in
            "\(error)".contains("gnugo:1 cannot play connect-four") && "\(error)".contains("go-lite")
        }
        #expect {
            _ = try BaselinePlayers.player(named: "gnugo:99", for: go)
        } throws: { error in "\(error)".contains("level from 1 to 10") }
        #expect {
            _ = try BaselinePlayers.player(named: "stockfish:x", for: chess)
        } throws: { error in "\(error)".contains("depth from 1 to 30") }
        #expect(try BaselinePlayers.player(named: "mcts:5", for: go).name == "mcts:5")
        #expect { _ = try BaselinePlayers.player(named: "bogus", for: go) } throws: { error in "\(error)".contains("gnugo:LEVEL") }
    }
}

/// The front ends answer scripted GTP and UCI sessions.
@Suite struct FrontEndSessionTests {
    func gtpServer() -> GTPServer {
        GTPServer(player: RandomPlayer(), name: "test", version: "1", sizes: [5, 7, 9], size: 5, komi: 24.5, seed: 3) { size, komi in
            [5, 7, 9].contains(size) ? AnyGame(GoLite(size: size, komi: komi, id: "go-lite-\(size)x\(size)")) : nil
        }
    }

    @Test func gtpSession() throws {
        var server = gtpServer()
        func say(_ line: String) -> String { server.respond(to: line).answer }
        #expect(say("protocol_version") == "= 2\n\n")
        #expect(say("7 name") == "=7 test\n\n")
        #expect(say("known_command genmove") == "= true\n\n" && say("known_command fly") == "= false\n\n")
        #expect(say("list_commands").contains("\nundo\n"))
        #expect(say("# just a comment") == "")
        #expect(say("boardsize 19").hasPrefix("? unacceptable size (19); supported sizes: 5, 7, 9"))
        #expect(say("boardsize 9") == "= \n\n")
        #expect(say("komi 7.5") == "= \n\n")
        #expect(say("play black J9") == "= \n\n", "J is the ninth column")
        #expect(say("play white J9").hasPrefix("? illegal move"))
        #expect(say("play white I5").hasPrefix("? illegal move: I5 is not a point"))
        #expect(say("play green A1").hasPrefix("? syntax error"))
        let reply = say("genmove white")
        let vertex = String(reply.dropFirst(2).prefix { $0 != "\n" })
        #expect(reply.hasPrefix("= ") && GTP.action(ofVertex: vertex, boardSize: 9) != nil, "answered \(reply)")
        let nine = GoLite.nineByNine
        let expected = try nine.applying(GTP.action(ofVertex: vertex, boardSize: 9)!, to: try nine.applying("i9", to: nine.initialState(seed: 0)))
        #expect(server.state.base as? GoLite.State == expected)
        #expect(say("undo") == "= \n\n")
        #expect(say("showboard").contains("9 . . . . . . . . X"))
        #expect(say("undo") == "= \n\n" && server.state.base as? GoLite.State == nine.initialState(seed: 0))
        #expect(say("undo").hasPrefix("? cannot undo"))
        // Black twice in a row: White is taken to have passed in between.
        #expect(say("play black A1") == "= \n\n" && say("play black B2") == "= \n\n")
        #expect(say("fly").hasPrefix("? unknown command 'fly'"))
        #expect(server.respond(to: "quit") == ("= \n\n", true))
    }

    @Test func uciSession() throws {
        let chess = ChessLite()
        var server = UCIServer(player: RandomPlayer(), name: "test", author: "lab", game: chess, seed: 3) { try chess.state(fen: $0) }
        func say(_ line: String) -> [String] { server.respond(to: line).lines }
        #expect(say("uci").last == "uciok")
        #expect(say("isready") == ["readyok"])
        #expect(say("position startpos moves b2b3 a4a3").isEmpty)
        let move = try #require(say("go depth 3").first)
        #expect(move.hasPrefix("bestmove "))
        let afterTwo = try chess.applying("a4a3", to: try chess.applying("b2b3", to: chess.initialState(seed: 0)))
        #expect(chess.legalActions(in: afterTwo).contains(String(move.dropFirst("bestmove ".count))))
        #expect(say("position startpos moves a2a4").first?.contains("'a2a4' is not a legal move") == true)
        #expect(say("go") == ["info string error: no valid position (see the error above)", "bestmove (none)"])
        #expect(say("position fen k4/pp3/5/5/K3R w - - 0 1 moves e1e5").isEmpty)
        #expect(say("go").last == "bestmove (none)", "checkmate: no move")
        #expect(say("position fen k4/pp3/5/5/K3X w").first?.contains("unknown piece") == true)
        #expect(say("setoption name UCI_Variant value chess").first?.contains("only the variant gardner") == true)
        #expect(say("fly").first?.hasPrefix("info string error: unknown command") == true)
        #expect(server.respond(to: "quit").quit)
    }
}

/// Short real games against the real programs (CI installs them).
@Suite struct RealEngineTests {
    /// Plays `games` games of `engine` against `opponent`, alternating colours; the engine's returns.
    func play<G: Game>(_ game: G, engine: inout some GamePlayer, against opponent: inout some GamePlayer, games: Int) throws -> [Double] {
        var rng = SeededGenerator(seed: 7)
        var returns: [Double] = []
        for index in 0..<games {
            let start = game.initialState(seed: 0)
            let record = index % 2 == 0 ? try Match.play(game, from: start, first: &engine, second: &opponent, using: &rng)
                : try Match.play(game, from: start, first: &opponent, second: &engine, using: &rng)
            // The recorded moves replay legally under our rules to the same result.
            var state = start
            for move in record.moves { try game.apply(move, to: &state) }
            if record.resigned == nil { #expect(game.returns(in: state) == record.returns) }
            returns.append(record.returns[index % 2])
        }
        return returns
    }

    @Test(.enabled(if: Engines.gnuGoInstalled, "needs GNU Go: apt-get install -y gnugo"))
    func gnuGoLevelOneBeatsRandomOnFiveByFive() throws {
        var gnugo = try #require(try BaselinePlayers.player(named: "gnugo:1", for: try GameCatalog.registry.entry("go-lite-5x5")) as? GTPPlayer)
        var random = RandomPlayer()
        #expect(try play(GoLite.fiveByFive, engine: &gnugo, against: &random, games: 2) == [1, 1])
    }

    @Test(.enabled(if: Engines.stockfishInstalled, "needs Fairy-Stockfish: apt-get install -y fairy-stockfish"))
    func stockfishDepthOneBeatsRandomAtChessLite() throws {
        var stockfish = try #require(try BaselinePlayers.player(named: "stockfish:1", for: try GameCatalog.registry.entry("chess-lite")) as? UCIPlayer)
        var random = RandomPlayer()
        #expect(try play(ChessLite(), engine: &stockfish, against: &random, games: 2) == [1, 1])
    }

    @Test(.enabled(if: Engines.gnuGoInstalled, "needs GNU Go: apt-get install -y gnugo"))
    func ourGTPFrontEndPlaysGnuGo() throws {
        // GNU Go against our GTP server (a random player behind it), refereed by our rules:
        // every move either side makes goes through the server's text protocol.
        let server = FrontEndSessionTests().gtpServer()
        var front = ServerPlayer(server: server, boardSize: 5)
        var gnugo = try GTPPlayer.gnuGo(level: 1, boardSize: 5, komi: 24.5)
        let returns = try play(GoLite.fiveByFive, engine: &front, against: &gnugo, games: 2)
        #expect(returns.allSatisfy { [-1, 0, 1].contains($0) })
        #expect(front.answers >= 2)
    }

    @Test(.enabled(if: Engines.stockfishInstalled, "needs Fairy-Stockfish: apt-get install -y fairy-stockfish"))
    func ourUCIFrontEndPlaysFairyStockfish() throws {
        let chess = ChessLite()
        var front = UCIServerPlayer(server: UCIServer(player: RandomPlayer(), name: "test", author: "lab", game: chess, seed: 4) {
            try chess.state(fen: $0)
        })
        var stockfish = try UCIPlayer.fairyStockfish(depth: 1)
        let returns = try play(chess, engine: &front, against: &stockfish, games: 2)
        #expect(returns == [-1, -1], "depth-1 Fairy-Stockfish beats a random player")
    }
}

/// Our GTP server as a player, driven through its text interface as a controller would.
struct ServerPlayer: GamePlayer {
    var server: GTPServer
    let boardSize: Int
    var follower = MoveFollower()
    var answers = 0
    var name: String { "gtp-front-end" }

    mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) throws(EngineError) -> Int {
        let step = try follower.step(to: state, in: game, engine: name)
        if step.newGame { try expectOK("clear_board") }
        for move in step.moves { try expectOK("play \(GTP.colour(ofPlayer: move.player)) \(GTP.vertex(ofAction: move.text, boardSize: boardSize)!)") }
        let request = "genmove \(GTP.colour(ofPlayer: game.currentPlayer(in: state)))"
        let answer = server.respond(to: request).answer
        guard answer.hasPrefix("= "), let text = GTP.action(ofVertex: answer.dropFirst(2).trimmingCharacters(in: .whitespacesAndNewlines), boardSize: boardSize),
              let action = try? game.actionID(for: text, in: state) else {
            throw .protocolError(engine: name, sent: request, reply: answer)
        }
        answers += 1
        follower.record(action, in: state, of: game)
        return action
    }

    private mutating func expectOK(_ command: String) throws(EngineError) {
        let answer = server.respond(to: command).answer
        guard answer == "= \n\n" else { throw .protocolError(engine: name, sent: command, reply: answer) }
    }
}

/// Our UCI server as a player, driven through its text interface as a GUI would.
struct UCIServerPlayer: GamePlayer {
    var server: UCIServer<ChessLite>
    var follower = MoveFollower()
    var name: String { "uci-front-end" }

    mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) throws(EngineError) -> Int {
        _ = try follower.step(to: state, in: game, engine: name)
        let position = "position startpos" + (follower.moves.isEmpty ? "" : " moves " + follower.moves.joined(separator: " "))
        guard server.respond(to: position).lines.isEmpty else { throw .protocolError(engine: name, sent: position, reply: "an error") }
        let answer = server.respond(to: "go depth 1").lines.last ?? ""
        guard answer.hasPrefix("bestmove "), let action = try? game.actionID(for: String(answer.dropFirst(9)), in: state) else {
            throw .protocolError(engine: name, sent: "go", reply: answer)
        }
        follower.record(action, in: state, of: game)
        return action
    }
}
