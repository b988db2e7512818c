import Foundation
import SeededRandom

/// One game's result for the rating fit: `first` and `second` index the players, `score`
/// is the first player's (1 win, 0.5 draw, 0 loss). Who moved first does not matter here.
public struct PairResult: Sendable, Hashable, Codable {
    public var first: Int
    public var second: Int
    public var score: Double

    public init(first: Int, second: Int, score: Double) {
        self.first = first
        self.second = second
        self.score = score
    }
}

/// Ratings fitted to a set of games.
public struct RatingFit: Sendable, Hashable {
    /// Each player's rating in Elo units, the anchor player at 0.
    public var elo: [Double]
    /// Davidson's draw parameter nu (0 when no game was drawn): two equal players draw
    /// with probability nu / (2 + nu).
    public var drawParameter: Double
    /// The log-likelihood at the fit (prior games included).
    public var logLikelihood: Double
    /// Newton steps taken.
    public var iterations: Int
}

/// Why ratings cannot be fitted; each says what to change.
public enum RatingError: Error, Equatable, CustomStringConvertible {
    case badResult(PairResult, players: Int)
    case noGames(player: Int)
    case disconnected(groups: [[Int]])
    case onlyDraws
    case didNotConverge(iterations: Int)

    public var description: String {
        switch self {
        case let .badResult(result, players):
            "bad game result \(result): players are numbered 0..<\(players), two different ones, and the score is 0, 0.5 or 1"
        case let .noGames(player):
            "player \(player) played no games, so it has no rating; give every player at least one game"
        case let .disconnected(groups):
            "the players fall into groups that never met (\(groups.map { $0.map(String.init).joined(separator: ",") }.joined(separator: " | "))); ratings of different groups cannot be compared"
        case .onlyDraws:
            "every game was drawn and there is no prior: the draw parameter has no finite estimate; add prior games"
        case let .didNotConverge(iterations):
            "the rating fit did not converge in \(iterations) Newton steps; a player who won or lost every game has no finite rating without prior games (keep priorGames above 0)"
        }
    }
}

/// Bradley-Terry ratings with draws, in Davidson's model (R. R. Davidson, "On extending
/// the Bradley-Terry model to accommodate ties in paired comparison experiments",
/// JASA 65, 1970): with strengths pi_i = exp(theta_i) and a draw parameter nu,
///
///     P(i beats j) = pi_i / D,   P(draw) = nu sqrt(pi_i pi_j) / D,   P(j beats i) = pi_j / D,
///     D = pi_i + pi_j + nu sqrt(pi_i pi_j).
///
/// Fitted by maximum likelihood with Newton's method. The model is an exponential family
/// in (theta, log nu): a game's sufficient statistic is (1, 0; 0) for a win of i, (0, 1; 0)
/// for a win of j and (1/2, 1/2; 1) for a draw, so the gradient of the log-likelihood is
/// observed minus expected statistics and its negative Hessian is their covariance; the
/// log-likelihood is concave and Newton converges in a few steps.
///
/// Elo units: 400 / ln 10 per unit of theta, so a rating difference of d means
/// P(win) / P(loss) = 10^(d / 400), as in the Elo system (draws set aside).
///
/// A player who wins (or loses) every game has no finite maximum-likelihood rating, so by
/// default every pair of players who met gets `priorGames` virtual games split evenly
/// between them (half a win each way per game), which pulls such ratings in to finite values
/// (as BayesElo's prior of virtual draws does).
public enum Ratings {
    /// Elo points per unit of theta.
    public static let eloPerTheta = 400 / log(10.0)

    /// The fit for `players` players (numbered from 0) to `results`, with player `anchor` at 0.
    public static func fit(players: Int, results: [PairResult], anchor: Int, priorGames: Double = 1,
                           maxIterations: Int = 100) throws(RatingError) -> RatingFit {
        precondition(players >= 2 && (0..<players).contains(anchor) && priorGames >= 0, "bad rating setup")
        let pairs = try tally(players: players, results: results, priorGames: priorGames)
        let draws = pairs.reduce(0) { $0 + $1.draws }
        let decisive = pairs.reduce(0) { $0 + $1.winsFirst + $1.winsSecond }
        if decisive == 0 { throw .onlyDraws }
        let fitsDraws = draws > 0
        // Parameters: theta of every player but the anchor, then log nu if there are draws.
        let free = (0..<players).filter { $0 != anchor }
        var column = [Int](repeating: -1, count: players)
        for (index, player) in free.enumerated() { column[player] = index }
        let count = free.count + (fitsDraws ? 1 : 0)
        var theta = [Double](repeating: 0, count: players)
        var logNu = fitsDraws ? 0.0 : -Double.infinity
        var current = logLikelihood(pairs, theta: theta, logNu: logNu)
        for iteration in 1...maxIterations {
            var gradient = [Double](repeating: 0, count: count)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
            for pair in pairs {
                let p = probabilities(theta[pair.first], theta[pair.second], logNu)
                let n = pair.winsFirst + pair.draws + pair.winsSecond
                // Sufficient statistics (theta_first, theta_second, log nu) of each outcome.
                let outcomes: [(p: Double, t: [Double])] = [(p.first, [1, 0, 0]), (p.second, [0, 1, 0]), (p.draw, [0.5, 0.5, 1])]
                var mean = [0.0, 0.0, 0.0]
                for o in outcomes { for k in 0..<3 { mean[k] += o.p * o.t[k] } }
                let observed = [pair.winsFirst + 0.5 * pair.draws, pair.winsSecond + 0.5 * pair.draws, pair.draws]
                let index = [column[pair.first], column[pair.second], fitsDraws ? count - 1 : -1]
                for a in 0..<3 where index[a] >= 0 {
                    gradient[index[a]] += observed[a] - n * mean[a]
                    for b in 0..<3 where index[b] >= 0 {
                        var covariance = -mean[a] * mean[b]
                        for o in outcomes { covariance += o.p * o.t[a] * o.t[b] }
                        hessian[index[a]][index[b]] += n * covariance
                    }
                }
            }
            guard let step = solve(hessian, gradient) else { throw .didNotConverge(iterations: iteration) }
            // Newton step, halved until the likelihood does not fall (it is concave, so
            // this only guards against overshooting far from the optimum).
            var scale = 1.0
            var next = (theta, logNu, current)
            var accepted = false
            for _ in 0..<40 {
                var t = theta
                for player in free { t[player] += scale * step[column[player]] }
                let l = fitsDraws ? logNu + scale * step[count - 1] : logNu
                let value = logLikelihood(pairs, theta: t, logNu: l)
                if value >= current - 1e-12 { next = (t, l, value); accepted = true; break }
                scale /= 2
            }
            // No step that keeps the likelihood: converged only if the gradient is flat here.
            if !accepted {
                guard gradient.map(abs).max() ?? 0 < 1e-8 else { throw .didNotConverge(iterations: iteration) }
                return RatingFit(elo: theta.map { $0 * eloPerTheta }, drawParameter: fitsDraws ? exp(logNu) : 0,
                                 logLikelihood: current, iterations: iteration)
            }
            (theta, logNu, current) = next
            if step.map({ abs($0 * scale) }).max()! < 1e-10 {
                return RatingFit(elo: theta.map { $0 * eloPerTheta }, drawParameter: fitsDraws ? exp(logNu) : 0,
                                 logLikelihood: current, iterations: iteration)
            }
        }
        throw .didNotConverge(iterations: maxIterations)
    }

    /// 95% (by default) bootstrap intervals of each player's Elo, stratified by pair (as
    /// the lab's other bootstraps are by game): each pair's games are resampled with
    /// replacement within that pair, `samples` times, and refitted. The schedule of who
    /// met whom, and how often, stays that of the tournament, so no resample leaves a
    /// player without games; a resample that still cannot be fitted is skipped.
    public static func bootstrap(players: Int, results: [PairResult], anchor: Int, priorGames: Double = 1,
                                 samples: Int = 200, level: Double = 0.95, seed: UInt64) -> [(low: Double, high: Double)] {
        var rng = SeededGenerator(seed: seed)
        var pairs: [[PairResult]] = []
        var pairIndex: [Int: Int] = [:]
        for result in results {
            let key = min(result.first, result.second) * players + max(result.first, result.second)
            if let index = pairIndex[key] { pairs[index].append(result) } else { pairIndex[key] = pairs.count; pairs.append([result]) }
        }
        var draws = [[Double]](repeating: [], count: players)
        for _ in 0..<samples {
            var resample: [PairResult] = []
            resample.reserveCapacity(results.count)
            for games in pairs {
                for _ in games.indices { resample.append(games[Int(rng.next() % UInt64(games.count))]) }
            }
            guard let fit = try? fit(players: players, results: resample, anchor: anchor, priorGames: priorGames) else { continue }
            for player in 0..<players { draws[player].append(fit.elo[player]) }
        }
        let tail = (1 - level) / 2
        return draws.map { values in
            let sorted = values.sorted()
            return sorted.isEmpty ? (-.infinity, .infinity) : (Statistics.quantile(sorted, tail), Statistics.quantile(sorted, 1 - tail))
        }
    }

    /// Win, draw and loss probabilities of a game between players of strengths
    /// `thetaFirst` and `thetaSecond` (natural units) under draw parameter exp(`logNu`).
    public static func probabilities(_ thetaFirst: Double, _ thetaSecond: Double, _ logNu: Double)
        -> (first: Double, draw: Double, second: Double) {
        let drawTerm = logNu + (thetaFirst + thetaSecond) / 2
        let top = max(thetaFirst, thetaSecond, drawTerm)
        let a = exp(thetaFirst - top), b = exp(thetaSecond - top), c = exp(drawTerm - top)
        let total = a + b + c
        return (a / total, c / total, b / total)
    }

    /// Weighted results of one pair of players.
    struct PairTally {
        var first: Int, second: Int
        var winsFirst = 0.0, draws = 0.0, winsSecond = 0.0
    }

    /// The log-likelihood of tallied results.
    static func logLikelihood(_ pairs: [PairTally], theta: [Double], logNu: Double) -> Double {
        pairs.reduce(0) { sum, pair in
            let p = probabilities(theta[pair.first], theta[pair.second], logNu)
            return sum + pair.winsFirst * log(p.first) + pair.winsSecond * log(p.second) + (pair.draws > 0 ? pair.draws * log(p.draw) : 0)
        }
    }

    /// Results summed per pair, with the prior games, after checking that every player
    /// played and that all are connected through games.
    static func tally(players: Int, results: [PairResult], priorGames: Double) throws(RatingError) -> [PairTally] {
        var byPair: [Int: PairTally] = [:]
        var group = Array(0..<players)
        func root(_ x: Int) -> Int { var x = x; while group[x] != x { x = group[x] }; return x }
        for result in results {
            guard (0..<players).contains(result.first), (0..<players).contains(result.second), result.first != result.second,
                  [0, 0.5, 1].contains(result.score) else { throw .badResult(result, players: players) }
            let (i, j) = (min(result.first, result.second), max(result.first, result.second))
            let scoreOfI = result.first == i ? result.score : 1 - result.score
            var pair = byPair[i * players + j] ?? PairTally(first: i, second: j)
            if scoreOfI == 1 { pair.winsFirst += 1 } else if scoreOfI == 0 { pair.winsSecond += 1 } else { pair.draws += 1 }
            byPair[i * players + j] = pair
            group[root(i)] = root(j)
        }
        var played = Set<Int>()
        for pair in byPair.values { played.insert(pair.first); played.insert(pair.second) }
        if let missing = (0..<players).first(where: { !played.contains($0) }) { throw .noGames(player: missing) }
        let groups = Dictionary(grouping: 0..<players, by: root).values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        if groups.count > 1 { throw .disconnected(groups: groups) }
        return byPair.keys.sorted().map { key in
            var pair = byPair[key]!
            pair.winsFirst += priorGames / 2
            pair.winsSecond += priorGames / 2
            return pair
        }
    }

    /// The solution of `matrix` x = `vector` by Gaussian elimination with partial pivoting;
    /// nil when the matrix is singular.
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix, b = vector
        let n = b.count
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            guard abs(a[pivot][column]) > 1e-14 else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
