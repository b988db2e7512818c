import ArgumentParser
import Testing
@testable import play
import Games

/// The command line's parsing and its messages for bad input.
@Suite struct CommandLineTests {
    @Test func benchRejectsUnknownWorkloadWithTheKnownOnes() {
        #expect {
            _ = try Bench.parse(["--workloads", "mlp,bogus"])
        } throws: { error in
            let message = Bench.message(for: error)
            return message.contains("bogus") && message.contains("mlp-sweep") && message.contains("transformer")
        }
    }

    @Test func benchRejectsBadWidthsAndBlocks() {
        #expect(throws: (any Error).self) { _ = try Bench.parse(["--widths", "64,x"]) }
        #expect(throws: (any Error).self) { _ = try Bench.parse(["--blocks", "0"]) }
    }

    @Test func blasThreadsMustBePositive() {
        #expect {
            _ = try Bench.parse(["--blas-threads", "0"])
        } throws: { error in
            Bench.message(for: error).contains("--blas-threads")
        }
        #expect(throws: Never.self) { _ = try Bench.parse(["--blas-threads", "2"]) }
    }

    @Test func helpListsEveryWorkload() {
        let help = Bench.helpMessage()
        for workload in Bench.Workload.allCases { #expect(help.contains(workload.rawValue)) }
        #expect(Play.helpMessage().contains("bench"))
    }

    @Test func flopCountMatchesTheReferenceForW1() throws {
        // torch_workloads.py: 6 x (1024*256 + 256 + 256*256 + 256 + 256*128 + 128 + 256 + 1) x 256.
        let bench = try Bench.parse([])
        let expected = 6.0 * Double(1024 * 256 + 256 + 256 * 256 + 256 + 256 * 128 + 128 + 256 + 1) * 256
        #expect(bench.trainingFlops(bench.mlpConfig(width: 256), batch: 256) == expected)
    }
}

/// The game commands.
@Suite struct GameCommandTests {
    @Test func gamesTableListsEveryRegisteredGame() {
        let table = ListGames.table(GameCatalog.registry)
        for id in GameCatalog.registry.ids { #expect(table.contains(id)) }
        #expect(table.hasPrefix("game"))
    }

    @Test func showRejectsUnknownGamesAndIllegalMovesClearly() throws {
        #expect {
            _ = try ShowGame.parse(["tic-tac-tow"])
        } throws: { error in
            let message = ShowGame.message(for: error)
            return message.contains("did you mean 'tic-tac-toe'") && message.contains("connect-four")
        }
        let show = try ShowGame.parse(["tic-tac-toe", "--moves", "b2,b2"])
        #expect {
            try show.run()
        } throws: { error in
            let message = ShowGame.message(for: error)
            return message.contains("move 2 of 2") && message.contains("'b2' is not a legal move")
        }
    }
}

/// The default command checks its game list even before the trainer exists.
@Suite struct TrainCommandTests {
    @Test func unknownGamesAreNamedWithTheKnownOnes() throws {
        #expect {
            _ = try Train.parse(["--games", "tic-tac-toe,chess"])
        } throws: { error in
            let message = Train.message(for: error)
            return message.contains("unknown game 'chess'") && message.contains("connect-four")
        }
        _ = try Train.parse(["--games", "all"])
    }
}
