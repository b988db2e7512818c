import Foundation
import SeededRandom
import Testing
@testable import Lab

/// The power-law fit recovers known laws from exact, noisy and contaminated data.
@Suite struct PowerLawFitTests {
    let truth = PowerLaw(floor: 0.05, scale: 20, exponent: 0.4)
    let sizes = stride(from: 3.0, through: 7.0, by: 0.25).map { pow(10, $0) }

    @Test func nelderMeadFindsTheRosenbrockMinimum() {
        let (point, value) = NelderMead().minimize({ p in
            let a = 1 - p[0], b = p[1] - p[0] * p[0]
            return a * a + 100 * b * b
        }, from: [-1.2, 1], step: [0.5, 0.5])
        #expect(abs(point[0] - 1) < 1e-3 && abs(point[1] - 1) < 1e-3 && value < 1e-6)
    }

    @Test func recoversExactParameters() {
        let law = PowerLawFit().fit(n: sizes, y: sizes.map { truth($0) })
        #expect(abs(law.exponent - 0.4) < 1e-3)
        #expect(abs(law.floor - 0.05) < 1e-3)
        #expect(abs(law.scale - 20) / 20 < 1e-2)
    }

    @Test func fixedFloorFitsAPurePowerLaw() {
        let pure = PowerLaw(floor: 0, scale: 3, exponent: 0.7)
        let law = PowerLawFit(fixedFloor: 0).fit(n: [10, 100, 1000], y: [10, 100, 1000].map { pure($0) })
        #expect(abs(law.exponent - 0.7) < 1e-4 && law.floor == 0 && abs(law.scale - 3) < 1e-3)
    }

    /// 3% multiplicative noise and two diverged runs (errors 3x too high): the Huber loss
    /// keeps the exponent close; least squares (a huge Huber delta) is pulled away.
    @Test func robustFitIgnoresOutliers() {
        var rng = SeededGenerator(seed: 5)
        var y = sizes.map { truth($0) * exp(0.03 * Double(rng.nextGaussian())) }
        y[4] *= 3
        y[12] *= 3
        let robust = PowerLawFit().fit(n: sizes, y: y)
        let squares = PowerLawFit(huberDelta: 100).fit(n: sizes, y: y)
        #expect(abs(robust.exponent - 0.4) < 0.05)
        #expect(abs(robust.floor - 0.05) < 0.01)
        #expect(abs(squares.exponent - 0.4) > abs(robust.exponent - 0.4))
    }

    @Test func bootstrapIntervalCoversTheTrueExponent() {
        var rng = SeededGenerator(seed: 11)
        let y = sizes.map { truth($0) * exp(0.05 * Double(rng.nextGaussian())) }
        let (law, interval) = PowerLawFit().exponentInterval(n: sizes, y: y, resamples: 60, seed: 2)
        #expect(interval.estimate == law.exponent)
        #expect(interval.lower < 0.4 && 0.4 < interval.upper)
        #expect(interval.upper - interval.lower < 0.4)
    }
}
