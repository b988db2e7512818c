import Testing
@testable import Lab

/// Point estimates and intervals against hand-computed examples.
@Suite struct StatisticsTests {
    @Test func meanAndMedian() {
        #expect(Statistics.mean([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.mean([]).isNaN)
        #expect(Statistics.quantile([1, 2, 3, 4], 0.25) == 1.75)
        #expect(Statistics.quantile([1, 2, 3, 4], 0.5) == 2.5)
    }

    @Test func interquartileMeanOfAMultipleOfFourDropsAQuarterAtEachEnd() {
        // 1...8: the middle four are 3, 4, 5, 6.
        #expect(Statistics.interquartileMean([8, 1, 7, 2, 6, 3, 5, 4]) == 4.5)
    }

    @Test func interquartileMeanWeighsTheBoundaryValuesFractionally() {
        // n = 6 covers [1.5, 4.5]: (0.5*2 + 3 + 4 + 0.5*5) / 3.
        #expect(abs(Statistics.interquartileMean([1, 2, 3, 4, 5, 6]) - 3.5) < 1e-12)
        // n = 9 covers [2.25, 6.75]: (0.75*1 + 1 + 1 + 10 + 0.75*10) / 4.5 = 4.5
        // (scipy's trim_mean would drop 2 at each end and give 23/5 = 4.6).
        #expect(abs(Statistics.interquartileMean([0, 0, 1, 1, 1, 10, 10, 10, 50]) - 4.5) < 1e-12)
        // An outlier does not move it.
        #expect(abs(Statistics.interquartileMean([1, 2, 3, 4, 5, 1000]) - 3.5) < 1e-12)
    }

    @Test func normalizedScoreMapsRandomToZeroAndReferenceToOne() {
        #expect(Statistics.normalizedScore(0.75, random: 0.5, reference: 1) == 0.5)
        #expect(Statistics.normalizedScore(0.5, random: 0.5, reference: 1) == 0)
        #expect(Statistics.normalizedScore(-10, random: -20, reference: 0) == 0.5)
    }

    @Test func probabilityOfImprovementCountsPairsAndHalfTies() {
        #expect(Statistics.probabilityOfImprovement([1, 3], over: [2, 2]) == 0.5)
        #expect(Statistics.probabilityOfImprovement([3, 4], over: [1, 2]) == 1)
        #expect(Statistics.probabilityOfImprovement([2], over: [2]) == 0.5)
        // Game 1: 0.5; game 2: (1 + 0.5) / 2 = 0.75; averaged over games.
        #expect(Statistics.probabilityOfImprovement([[1, 3], [5]], over: [[2, 2], [1, 5]]) == 0.625)
    }

    @Test func aggregatesPoolEveryRunOfEveryGame() {
        let scores: [[Double]] = [[1, 2], [3, 4]]
        #expect(Aggregate.mean(scores) == 2.5)
        #expect(Aggregate.median(scores) == 2.5)
        #expect(Aggregate.iqm(scores) == 2.5)
    }

    @Test func bootstrapOfTwoValuesSpansBoth() {
        // Resampled means of [0, 1] are 0, 0.5, 1 with chances 1/4, 1/2, 1/4: the 95%
        // percentile interval runs from 0 to 1.
        var bootstrap = StratifiedBootstrap(resamples: 2000, seed: 3)
        let interval = bootstrap.interval(of: [0, 1])
        #expect(interval == Interval(estimate: 0.5, lower: 0, upper: 1))
    }

    @Test func stratificationResamplesRunsOnlyWithinAGame() {
        // Runs agree within each game: every stratified resample is the data itself (an
        // unstratified one would mix the games and move the mean).
        var bootstrap = StratifiedBootstrap(resamples: 200, seed: 1)
        let interval = bootstrap.interval(of: .mean, scores: [[0, 0, 0], [1, 1, 1, 1, 1, 1]])
        #expect(interval.lower == 2.0 / 3 && interval.upper == 2.0 / 3)
    }

    @Test func bootstrapIsSeededAndBracketsTheEstimate() {
        let scores: [[Double]] = [[0.1, 0.5, 0.7, 0.2, 0.9], [0.3, 0.4, 0.8, 0.6, 0.55]]
        var first = StratifiedBootstrap(resamples: 500, seed: 9), second = StratifiedBootstrap(resamples: 500, seed: 9)
        let a = first.interval(of: .iqm, scores: scores), b = second.interval(of: .iqm, scores: scores)
        #expect(a == b)
        #expect(a.lower < a.estimate && a.estimate < a.upper)
        #expect(a.lower >= 0.1 && a.upper <= 0.9)
    }

    @Test func probabilityOfImprovementIntervalIsOneWhenXAlwaysWins() {
        var bootstrap = StratifiedBootstrap(resamples: 300, seed: 2)
        let clear = bootstrap.probabilityOfImprovement([[5, 6, 7], [3, 4]], over: [[1, 2, 3], [0, 1]])
        #expect(clear == Interval(estimate: 1, lower: 1, upper: 1))
        let mixed = bootstrap.probabilityOfImprovement([[1, 3, 5]], over: [[2, 4, 6]])
        #expect(abs(mixed.estimate - 3.0 / 9) < 1e-12)
        #expect(mixed.lower < mixed.estimate && mixed.upper > mixed.estimate)
    }
}
