import Foundation
import Testing
import GameKit
import Games
@testable import Lab

/// Davidson (Bradley-Terry with draws) ratings against hand-computed fits.
@Suite struct RatingsTests {
    /// `wins`, `draws` and `losses` of player 0 against player 1.
    func results(_ wins: Int, _ draws: Int, _ losses: Int, between a: Int = 0, and b: Int = 1) -> [PairResult] {
        Array(repeating: PairResult(first: a, second: b, score: 1), count: wins)
            + Array(repeating: PairResult(first: b, second: a, score: 0.5), count: draws)
            + Array(repeating: PairResult(first: b, second: a, score: 1), count: losses)
    }

    @Test func twoPlayersFitTheirFrequenciesExactly() throws {
        // Two players: three outcome frequencies, two parameters plus the total, so the fit
        // reproduces them: pi_A / pi_B = P(win) / P(loss) = 0.6 / 0.2 = 3, i.e.
        // 400 log10(3) = 190.85 Elo, and nu = P(draw) / sqrt(P(win) P(loss)) = 0.2 / sqrt(0.12) = 0.57735.
        let fit = try Ratings.fit(players: 2, results: results(6, 2, 2), anchor: 1, priorGames: 0)
        #expect(abs(fit.elo[0] - 400 * log10(3.0)) < 1e-6)
        #expect(fit.elo[1] == 0)
        #expect(abs(fit.drawParameter - 0.2 / 0.12.squareRoot()) < 1e-6)
        let p = Ratings.probabilities(fit.elo[0] / Ratings.eloPerTheta, 0, log(fit.drawParameter))
        #expect(abs(p.first - 0.6) < 1e-9 && abs(p.draw - 0.2) < 1e-9 && abs(p.second - 0.2) < 1e-9)
        // Anchored at the other player, the same difference with the sign turned.
        let other = try Ratings.fit(players: 2, results: results(6, 2, 2), anchor: 0, priorGames: 0)
        #expect(abs(other.elo[1] + 400 * log10(3.0)) < 1e-6)
    }

    @Test func withoutDrawsItIsBradleyTerry() throws {
        // 3 wins, 1 loss: odds 3, 190.85 Elo; no draws, nu = 0.
        let fit = try Ratings.fit(players: 2, results: results(3, 0, 1), anchor: 1, priorGames: 0)
        #expect(abs(fit.elo[0] - 400 * log10(3.0)) < 1e-6)
        #expect(fit.drawParameter == 0)
    }

    @Test func aSymmetricCycleRatesEveryoneEqual() throws {
        // A beats B, B beats C, C beats A, each 2-1 with one draw: by symmetry all ratings are
        // equal, and the draw share 3/12 = nu / (2 + nu) gives nu = 2/3.
        let games = results(2, 1, 1, between: 0, and: 1) + results(2, 1, 1, between: 1, and: 2) + results(2, 1, 1, between: 2, and: 0)
        let fit = try Ratings.fit(players: 3, results: games, anchor: 0, priorGames: 0)
        for elo in fit.elo { #expect(abs(elo) < 1e-6) }
        #expect(abs(fit.drawParameter - 2.0 / 3) < 1e-6)
    }

    @Test func theFitIsTheMaximumOfTheLikelihood() throws {
        // Uneven data among four players: moving any parameter a little lowers the likelihood.
        let games = results(5, 2, 1, between: 0, and: 1) + results(1, 1, 3, between: 1, and: 2) + results(2, 0, 2, between: 2, and: 3)
            + results(4, 1, 0, between: 0, and: 3) + results(0, 2, 1, between: 1, and: 3)
        let fit = try Ratings.fit(players: 4, results: games, anchor: 3, priorGames: 1)
        let pairs = try Ratings.tally(players: 4, results: games, priorGames: 1)
        let theta = fit.elo.map { $0 / Ratings.eloPerTheta }, logNu = log(fit.drawParameter)
        let best = Ratings.logLikelihood(pairs, theta: theta, logNu: logNu)
        #expect(abs(best - fit.logLikelihood) < 1e-9)
        for player in 0..<4 {
            for h in [-1e-3, 1e-3] {
                var moved = theta
                moved[player] += h
                #expect(Ratings.logLikelihood(pairs, theta: moved, logNu: logNu) < best)
            }
        }
        for h in [-1e-3, 1e-3] { #expect(Ratings.logLikelihood(pairs, theta: theta, logNu: logNu + h) < best) }
        #expect(fit.elo[0] > fit.elo[1], "player 0 won more")
    }

    @Test func thePriorKeepsAPerfectScoreFinite() throws {
        // 10-0 plus one virtual game split evenly: odds 10.5 / 0.5 = 21, 400 log10(21) = 528.9 Elo.
        let fit = try Ratings.fit(players: 2, results: results(10, 0, 0), anchor: 1)
        #expect(abs(fit.elo[0] - 400 * log10(21.0)) < 1e-6)
        #expect {
            _ = try Ratings.fit(players: 2, results: results(10, 0, 0), anchor: 1, priorGames: 0)
        } throws: { error in "\(error)".contains("did not converge") && "\(error)".contains("prior games") }
    }

    @Test func unratableDataGetsClearErrors() {
        #expect(throws: RatingError.noGames(player: 2)) { _ = try Ratings.fit(players: 3, results: results(1, 0, 1), anchor: 0) }
        #expect(throws: RatingError.disconnected(groups: [[0, 1], [2, 3]])) {
            _ = try Ratings.fit(players: 4, results: results(1, 0, 1) + results(1, 0, 1, between: 2, and: 3), anchor: 0)
        }
        #expect(throws: RatingError.onlyDraws) { _ = try Ratings.fit(players: 2, results: results(0, 3, 0), anchor: 0, priorGames: 0) }
        #expect {
            _ = try Ratings.fit(players: 2, results: [PairResult(first: 0, second: 5, score: 1)], anchor: 0)
        } throws: { error in "\(error)".contains("players are numbered 0..<2") }
    }

    @Test func bootstrapIntervalsHoldTheEstimate() throws {
        let games = results(7, 2, 3) + results(3, 1, 6, between: 1, and: 2) + results(8, 0, 2, between: 0, and: 2)
        let fit = try Ratings.fit(players: 3, results: games, anchor: 2)
        let intervals = Ratings.bootstrap(players: 3, results: games, anchor: 2, samples: 100, seed: 1)
        #expect(intervals[2].low == 0 && intervals[2].high == 0, "the anchor is fixed")
        for player in 0..<2 {
            #expect(intervals[player].low < fit.elo[player] && fit.elo[player] < intervals[player].high)
        }
        #expect(Ratings.bootstrap(players: 3, results: games, anchor: 2, samples: 100, seed: 1).map(\.low) == intervals.map(\.low), "seeded")
    }
}

/// Round robins: the schedule and a short real one.
@Suite struct RoundRobinTests {
    @Test func everyPairPlaysBothColours() {
        let schedule = RoundRobin.schedule(players: 3, gamesPerPair: 4)
        #expect(schedule.count == 12)
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            #expect(schedule.filter { $0.first == a && $0.second == b }.count == 2)
            #expect(schedule.filter { $0.first == b && $0.second == a }.count == 2)
        }
    }

    @Test func aShortTournamentIsLoggedRatedAndTabled() throws {
        let game = try GameCatalog.registry.game("tic-tac-toe")
        var players: [any GamePlayer] = [RandomPlayer(), MinimaxPlayer()]
        var logged = 0
        let games = try RoundRobin.run(game: game, players: &players, names: ["random", "minimax"], gamesPerPair: 6, seed: 3) { _ in logged += 1 }
        #expect(games.count == 6 && logged == 6)
        #expect(games.allSatisfy { $0.firstName == "random" ? $0.result <= 0 : $0.result >= 0 }, "minimax never loses")
        let ratings = try RoundRobin.ratings(of: games, names: ["random", "minimax"], anchor: 0, bootstrapSamples: 20, seed: 1)
        #expect(ratings.map(\.player) == ["minimax", "random"])
        #expect(ratings[1].elo == 0 && ratings[0].elo > 0)
        let table = RoundRobin.table(ratings, games: games, names: ["random", "minimax"])
        #expect(table.contains("anchor: random = 0") && table.contains("minimax"))
    }
}
