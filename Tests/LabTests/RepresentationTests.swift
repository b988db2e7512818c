import SeededRandom
import Testing
@testable import Lab

/// CKA, task variance and linear probes on constructed activations.
@Suite struct RepresentationTests {
    func gaussian(_ rows: Int, _ columns: Int, seed: UInt64) -> [[Double]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<rows).map { _ in (0..<columns).map { _ in Double(rng.nextGaussian()) } }
    }

    func rotatedAndScaled(_ x: [[Double]], scale: Double, seed: UInt64) -> [[Double]] {
        var rng = SeededGenerator(seed: seed)
        let q = Matrix.randomOrthogonal(x[0].count, using: &rng)
        return Matrix(x).times(q).rowArrays.map { $0.map { $0 * scale } }
    }

    /// Song et al. 2012 eq. 5 written with n x n Gram matrices, as an independent check.
    func gramHSIC(_ x: [[Double]], _ y: [[Double]]) -> Double {
        let n = x.count
        func gram(_ m: [[Double]]) -> [[Double]] {
            (0..<n).map { i in (0..<n).map { j in i == j ? 0 : zip(m[i], m[j]).reduce(0) { $0 + $1.0 * $1.1 } } }
        }
        let k = gram(x), l = gram(y)
        var trace = 0.0, sumK = 0.0, sumL = 0.0, kl = 0.0
        for i in 0..<n {
            for j in 0..<n {
                trace += k[i][j] * l[j][i]
                sumK += k[i][j]
                sumL += l[i][j]
            }
            let rowK = k[i].reduce(0, +), rowL = l[i].reduce(0, +)
            kl += rowK * rowL
        }
        let nn = Double(n)
        return (trace + sumK * sumL / ((nn - 1) * (nn - 2)) - 2 / (nn - 2) * kl) / (nn * (nn - 3))
    }

    @Test func ckaOfOneDimensionIsTheSquaredCorrelation() {
        // Centred: x = (-1, 0, 1), y = (0, -1, 1); correlation 1 / (sqrt 2 sqrt 2) = 0.5.
        #expect(abs(Representations.linearCKA([[1], [2], [3]], [[1], [0], [2]]) - 0.25) < 1e-12)
    }

    @Test func ckaOfARepresentationWithItselfIsOne() {
        let x = gaussian(30, 5, seed: 1)
        #expect(abs(Representations.linearCKA(x, x) - 1) < 1e-12)
        #expect(abs(Representations.debiasedLinearCKA(x, x) - 1) < 1e-12)
    }

    @Test func ckaIgnoresRotationAndIsotropicScaling() {
        let x = gaussian(40, 6, seed: 2), y = gaussian(40, 4, seed: 3)
        let x2 = rotatedAndScaled(x, scale: 3.5, seed: 4)
        #expect(abs(Representations.linearCKA(x, x2) - 1) < 1e-10)
        #expect(abs(Representations.debiasedLinearCKA(x, x2) - 1) < 1e-10)
        #expect(abs(Representations.linearCKA(x2, y) - Representations.linearCKA(x, y)) < 1e-10)
        #expect(abs(Representations.debiasedLinearCKA(x2, y) - Representations.debiasedLinearCKA(x, y)) < 1e-10)
        // Not invariant to scaling one unit alone.
        let stretched = x.map { row in [row[0] * 10] + row.dropFirst() }
        #expect(Representations.linearCKA(x, stretched) < 0.9)
    }

    @Test func debiasedEstimatorMatchesTheGramMatrixFormula() {
        // Uncentred, shifted features: the estimator must not depend on the shift.
        let x = gaussian(7, 3, seed: 5).map { $0.map { $0 + 2 } }, y = gaussian(7, 2, seed: 6)
        let expected = gramHSIC(x, y) / (gramHSIC(x, x) * gramHSIC(y, y)).squareRoot()
        #expect(abs(Representations.debiasedLinearCKA(x, y) - expected) < 1e-10)
        let hsic = Representations.unbiasedHSIC(Matrix(x).centered, Matrix(y).centered)
        #expect(abs(hsic - gramHSIC(x, y)) < 1e-10)
    }

    @Test func debiasedCKAOfIndependentMatricesIsNearZero() {
        // 100 states, 50 units: plain CKA of independent noise is far from 0, debiased is not.
        let x = gaussian(100, 50, seed: 7), y = gaussian(100, 50, seed: 8)
        #expect(Representations.linearCKA(x, y) > 0.3)
        #expect(abs(Representations.debiasedLinearCKA(x, y)) < 0.05)
    }

    @Test func randomRotationIsOrthogonal() {
        var rng = SeededGenerator(seed: 1)
        let q = Matrix.randomOrthogonal(5, using: &rng)
        let identity = q.transposeTimes(q)
        for i in 0..<5 { for j in 0..<5 { #expect(abs(identity[i, j] - (i == j ? 1 : 0)) < 1e-12) } }
    }

    /// Unit 0 varies only in game A (variance 1), unit 1 only in B (variance 4), unit 2 in
    /// both (1 and 1), unit 3 never.
    let games = ["a", "b"]
    let activations: [[[Double]]] = [
        [[1, 5, 1, 7], [-1, 5, -1, 7]],
        [[0, 2, 1, 7], [0, -2, -1, 7]],
    ]

    @Test func taskVarianceOfConstructedUnits() {
        let analysis = TaskVariance(games: games, activations: activations)
        #expect(analysis.variances == [[1, 0], [0, 4], [1, 1], [0, 0]])
        #expect(analysis.activeUnits == [0, 1, 2])
        #expect(analysis.normalized == [[1, 0], [0, 1], [1, 1]])
        #expect(analysis.fractional(0, 1) == [1, -1, 0])
        #expect(analysis.gamesServed() == [1, 1, 2])
        #expect(abs(analysis.sharedFraction() - 1.0 / 3) < 1e-12)
        #expect(TaskVariance.histogram([-1, -0.95, 0, 1], bins: 4) == [2, 0, 1, 1])
    }

    @Test func rotationKeepsEachGamesTotalVarianceButMixesUnits() {
        let rotated = TaskVariance.rotated(games: games, activations: activations, seed: 3)
        for game in 0..<2 {
            let total = rotated.variances.reduce(0) { $0 + $1[game] }
            #expect(abs(total - [2.0, 5.0][game]) < 1e-9)
        }
        // After mixing, units are no longer specific to one game.
        #expect(rotated.fractional(0, 1).allSatisfy { abs($0) < 0.999 })
    }

    @Test func ridgeProbeMatchesTheHandSolution() {
        // z = (-1, 1), t = (-1, 1): w = z't / (z'z + 1) = 2/3, bias 0; score(0.5) = 1/3.
        let probe = LinearProbe(states: [[-1], [1]], labels: [false, true], ridge: 1)
        #expect(abs(probe.score([0.5]) - 1.0 / 3) < 1e-9)
        #expect(abs(probe.weights[0] - 2.0 / 3) < 1e-9 && abs(probe.bias) < 1e-12)
    }

    @Test func probeTransfersWhereTheFactIsEncodedAlike() {
        var rng = SeededGenerator(seed: 4)
        // Unit 0 carries the fact in games A and B (B with more noise in the other units);
        // in game C the fact sits in unit 1 and unit 0 is noise.
        func states(_ count: Int, factUnit: Int, noise: Double) -> ([[Double]], [Bool]) {
            var rows: [[Double]] = [], labels: [Bool] = []
            for _ in 0..<count {
                let fact = Bool.random(using: &rng)
                var row = (0..<6).map { _ in noise * Double(rng.nextGaussian()) }
                row[factUnit] = (fact ? 1 : -1) + 0.3 * Double(rng.nextGaussian())
                rows.append(row)
                labels.append(fact)
            }
            return (rows, labels)
        }
        let a = states(200, factUnit: 0, noise: 1), b = states(200, factUnit: 0, noise: 2), c = states(200, factUnit: 1, noise: 1)
        let probe = LinearProbe(states: a.0, labels: a.1)
        #expect(probe.evaluate(states: a.0, labels: a.1).accuracy > 0.95)
        #expect(probe.evaluate(states: b.0, labels: b.1).accuracy > 0.9)
        let other = probe.evaluate(states: c.0, labels: c.1)
        #expect(abs(other.accuracy - 0.5) < 0.1)
        #expect(other.chance >= 0.4 && other.chance <= 0.6)
    }
}
