import Foundation
import Testing
import GameKit
import Games
@testable import RL

/// An engine that fails mid-match stops it with a clear error, and the games before count.
@Suite struct MatchStoppedTests {
    @Test func anIllegalEngineMoveStopsTheMatchAndKeepsTheResultsSoFar() throws {
        // A fake GTP engine: it resigns its first game, then always answers A1, which is
        // illegal once a1 is taken.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-fake-gtp-\(UUID().uuidString).sh")
        defer { try? FileManager.default.removeItem(at: script) }
        try """
        #!/bin/sh
        n=0
        while read line; do
          case "$line" in
            protocol_version) echo "= 2"; echo ;;
            "known_command set_random_seed") echo "= false"; echo ;;
            genmove*) n=$((n+1)); if [ $n -eq 1 ]; then echo "= resign"; else echo "= A1"; fi; echo ;;
            *) echo "= "; echo ;;
          esac
        done
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let go = try GameCatalog.registry.game("go-lite-5x5")
        var fake = GTPPlayer(command: EngineCommand(executable: script, arguments: [], name: "fake"), boardSize: 5, komi: 24.5)
        var random = RandomPlayer()
        #expect {
            _ = try Evaluation.match(&random, against: &fake, in: go, games: 10, seed: 1)
        } throws: { error in
            guard let stopped = error as? MatchStopped, let score = stopped.scores.last,
                  case .illegalMove(let engine, _, let move, _) = stopped.reason else { return false }
            return engine == "fake" && move.hasPrefix("A1") && score.games == 1 && score.wins == 1
                && stopped.description.contains("after 1 games against fake") && stopped.description.contains("not a legal move")
        }
    }
}
