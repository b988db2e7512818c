import SeededRandom

/// How a network's hidden units divide their work between games (Yang et al. 2019,
/// "Task representations in neural networks trained to perform many cognitive tasks").
///
/// A unit's task variance in a game is the variance of its activation over that game's
/// states: a unit that does not vary in a game carries no information about it. The
/// normalised task variance divides by the unit's largest task variance (1 for its
/// favourite game); the fractional task variance of a pair of games,
///
///     FTV(A, B) = (TV(A) - TV(B)) / (TV(A) + TV(B))   in [-1, 1],
///
/// is near -1 or 1 for a unit that serves one of the two, near 0 for one that serves
/// both. A distribution of FTV with peaks at +-1 means specialised units; one peak at 0,
/// shared units. The rotation control repeats the analysis after a random orthogonal
/// rotation of the hidden space: a rotation mixes units, so a structure that survives it
/// is not about individual units, and one that vanishes is.
///
///     let analysis = TaskVariance(games: ["tic-tac-toe", "connect-four"], activations: [statesA, statesB])
///     let shares = analysis.fractional(0, 1)            // one value per active unit
public struct TaskVariance: Sendable {
    /// Units whose summed task variance is below this fraction of the largest unit's are
    /// left out as inactive (Yang et al. drop units below a small absolute threshold; a
    /// relative one does not depend on the activations' scale).
    public static let inactiveFraction = 1e-3

    public let games: [String]
    /// (units, games): each unit's variance over each game's states.
    public let variances: [[Double]]
    /// The indices of units that vary at all (see `inactiveFraction`).
    public let activeUnits: [Int]

    /// `activations[g]` holds game g's states as rows (states x units); every game the same units.
    public init(games: [String], activations: [[[Double]]]) {
        precondition(games.count == activations.count && games.count >= 1, "one activation matrix per game")
        let units = activations[0].first?.count ?? 0
        precondition(activations.allSatisfy { states in states.count >= 2 && states.allSatisfy { $0.count == units } },
                     "every game needs at least 2 states, each with \(units) units")
        var variances = [[Double]](repeating: [Double](repeating: 0, count: games.count), count: units)
        for (game, states) in activations.enumerated() {
            let matrix = Matrix(states).centered
            for unit in 0..<units {
                var sum = 0.0
                for row in 0..<matrix.rows { sum += matrix[row, unit] * matrix[row, unit] }
                variances[unit][game] = sum / Double(matrix.rows)
            }
        }
        self.init(games: games, variances: variances)
    }

    /// The analysis of task variances already measured: `variances[unit][game]` (as saved
    /// in `analysis.json`).
    public init(games: [String], variances: [[Double]]) {
        precondition(variances.allSatisfy { $0.count == games.count }, "one variance per unit and game")
        self.games = games
        self.variances = variances
        let totals = variances.map { $0.reduce(0, +) }
        let largest = totals.max() ?? 0
        activeUnits = totals.indices.filter { largest > 0 && totals[$0] > Self.inactiveFraction * largest }
    }

    /// The same analysis after rotating every game's states by one random orthogonal
    /// matrix of the hidden space (the control).
    public static func rotated(games: [String], activations: [[[Double]]], seed: UInt64) -> TaskVariance {
        let units = activations.first?.first?.count ?? 0
        var rng = SeededGenerator(seed: seed)
        let rotation = Matrix.randomOrthogonal(units, using: &rng)
        return TaskVariance(games: games, activations: activations.map { Matrix($0).times(rotation).rowArrays })
    }

    /// (active units, games): each active unit's task variances divided by its largest.
    public var normalized: [[Double]] {
        activeUnits.map { unit in
            let row = variances[unit], top = row.max()!
            return row.map { $0 / top }
        }
    }

    /// FTV(a, b) for every active unit with any variance in either game.
    public func fractional(_ a: Int, _ b: Int) -> [Double] {
        activeUnits.compactMap { unit in
            let va = variances[unit][a], vb = variances[unit][b]
            return va + vb > 0 ? (va - vb) / (va + vb) : nil
        }
    }

    /// For each active unit, how many games it serves: games whose normalised task
    /// variance is at least `threshold` (by default, half of the unit's favourite game's).
    public func gamesServed(threshold: Double = 0.5) -> [Int] {
        normalized.map { row in row.filter { $0 >= threshold }.count }
    }

    /// The share of active units that serve at least two games.
    public func sharedFraction(threshold: Double = 0.5) -> Double {
        let served = gamesServed(threshold: threshold)
        return served.isEmpty ? 0 : Double(served.filter { $0 >= 2 }.count) / Double(served.count)
    }

    /// Counts of `values` in `bins` equal bins over [low, high] (the last bin includes high).
    public static func histogram(_ values: [Double], bins: Int = 20, low: Double = -1, high: Double = 1) -> [Int] {
        precondition(bins >= 1 && high > low, "a histogram needs bins and a range")
        var counts = [Int](repeating: 0, count: bins)
        for value in values where value >= low && value <= high {
            counts[min(bins - 1, Int((value - low) / (high - low) * Double(bins)))] += 1
        }
        return counts
    }
}
