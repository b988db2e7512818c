/// A score measured at increasing training steps, and the transfer measures read off
/// such curves (Taylor and Stone 2009, "Transfer Learning for Reinforcement Learning
/// Domains: A Survey": jumpstart, time to threshold, area ratio; Hernandez et al. 2021,
/// "Scaling Laws for Transfer": effective data transferred).
///
///     let scratch = LearningCurve(steps: [0, 1000, 2000], scores: [0.5, 0.7, 0.9])
///     let tuned = LearningCurve(steps: [0, 1000, 2000], scores: [0.7, 0.9, 0.95])
///     tuned.initialScore - scratch.initialScore                    // jumpstart 0.2
///     tuned.areaRatio(over: scratch)                                // (1725 - 1400) / 1400 ~ 0.23
///     scratch.effectiveDataTransferred(score: 0.9, spent: 1000)     // 1000 steps saved
public struct LearningCurve: Codable, Sendable, Hashable {
    /// Training steps (decisions) in increasing order.
    public var steps: [Double]
    public var scores: [Double]

    public init(steps: [Double], scores: [Double]) {
        precondition(steps.count == scores.count && !steps.isEmpty, "a curve needs one score per step, at least one")
        precondition(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "a curve's steps must increase")
        self.steps = steps
        self.scores = scores
    }

    /// The score at the first measurement (step 0 in a transfer experiment).
    public var initialScore: Double { scores[0] }
    /// The score at the last measurement.
    public var finalScore: Double { scores[scores.count - 1] }

    /// The score at `step`, linear between measurements; nil outside the measured range.
    public func score(at step: Double) -> Double? {
        guard step >= steps[0], step <= steps[steps.count - 1] else { return nil }
        guard let upper = steps.firstIndex(where: { $0 >= step }) else { return nil }
        if steps[upper] == step || upper == 0 { return scores[upper] }
        let f = (step - steps[upper - 1]) / (steps[upper] - steps[upper - 1])
        return scores[upper - 1] + f * (scores[upper] - scores[upper - 1])
    }

    /// The first step at which the curve reaches `threshold`, linear between
    /// measurements; nil if it never does.
    public func steps(toReach threshold: Double) -> Double? {
        if scores[0] >= threshold { return steps[0] }
        for i in 1..<scores.count where scores[i] >= threshold {
            let f = (threshold - scores[i - 1]) / (scores[i] - scores[i - 1])
            return steps[i - 1] + f * (steps[i] - steps[i - 1])
        }
        return nil
    }

    /// The area under the curve from its first step to `end` (trapezoids).
    public func area(upTo end: Double) -> Double {
        var total = 0.0
        for i in 1..<max(1, steps.count) where steps[i - 1] < end {
            let right = min(steps[i], end)
            let rightScore = score(at: right)!
            total += (right - steps[i - 1]) * (scores[i - 1] + rightScore) / 2
        }
        return total
    }

    /// (area under self - area under baseline) / area under baseline, both up to the
    /// shorter curve's last step: the share of extra score the transfer earned over training.
    /// Nil when the baseline's area is zero (a from-scratch curve that never scored).
    public func areaRatio(over baseline: LearningCurve) -> Double? {
        let end = min(steps[steps.count - 1], baseline.steps[baseline.steps.count - 1])
        let base = baseline.area(upTo: end)
        guard base > 1e-12 * max(end - baseline.steps[0], 1) else { return nil }
        return (area(upTo: end) - base) / base
    }

    /// Read on a from-scratch curve: how many more steps than `spent` it needs to reach
    /// `score` (Hernandez et al.'s D_T = D_E - D_F, with D_E the from-scratch steps to the
    /// fine-tuned model's score and D_F the fine-tuning steps spent); nil when the
    /// from-scratch curve never reaches it. Negative when transfer hurt.
    public func effectiveDataTransferred(score: Double, spent: Double) -> Double? {
        steps(toReach: score).map { $0 - spent }
    }

    /// Several runs' curves on one grid of `points` steps spanning the range all of them
    /// measured, each interpolated linearly: the input to per-step means and intervals.
    /// `scores[i]` holds every run's score at `steps[i]`.
    public static func aligned(_ curves: [LearningCurve], points: Int = 40) -> (steps: [Double], scores: [[Double]]) {
        precondition(!curves.isEmpty && points >= 2, "aligning needs curves and at least 2 points")
        let start = curves.map { $0.steps[0] }.max()!, end = curves.map { $0.steps[$0.steps.count - 1] }.min()!
        guard end > start else { return ([start], [curves.map { $0.score(at: start) ?? $0.finalScore }]) }
        let grid = (0..<points).map { start + (end - start) * Double($0) / Double(points - 1) }
        return (grid, grid.map { step in curves.map { $0.score(at: step)! } })
    }
}
