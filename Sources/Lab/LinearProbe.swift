/// A linear read-out of a yes/no fact from hidden states, to test whether a network
/// represents the fact the same way in two games: train the probe on one game's states,
/// test it on another's.
///
/// A ridge least-squares classifier: features are standardised with the training set's
/// means and deviations, targets are -1/+1, and w minimises |Z w + b - t|^2 + lambda |w|^2
/// (the bias is not penalised). It is a closed-form solve (no learning rate or epochs to
/// tune), and for linear separability it answers the same question as a logistic probe.
///
///     let probe = LinearProbe(states: trainStates, labels: trainLabels, ridge: 1)
///     let result = probe.evaluate(states: otherGameStates, labels: otherLabels)
public struct LinearProbe: Sendable, Hashable, Codable {
    public let means: [Double]
    public let deviations: [Double]
    public let weights: [Double]
    public let bias: Double
    /// The label the training set holds more often: the chance-level guess.
    public let majority: Bool

    /// Fits the probe (states as rows; at least 2 states).
    public init(states: [[Double]], labels: [Bool], ridge: Double = 1) {
        precondition(states.count == labels.count && states.count >= 2, "one label per state, at least 2 states")
        precondition(ridge >= 0, "the ridge penalty is at least 0 (got \(ridge))")
        let matrix = Matrix(states)
        let d = matrix.columns, n = Double(matrix.rows)
        means = matrix.columnMeans
        let centred = matrix.centered
        // Population deviations; a constant feature keeps scale 1 (it is 0 after centring).
        deviations = (0..<d).map { c in
            let v = (0..<centred.rows).reduce(0) { $0 + centred[$1, c] * centred[$1, c] } / n
            return v > 0 ? v.squareRoot() : 1
        }
        var z = centred
        for r in 0..<z.rows { for c in 0..<d { z[r, c] /= deviations[c] } }
        let targets = labels.map { $0 ? 1.0 : -1.0 }
        let meanTarget = targets.reduce(0, +) / n
        // Centred features: the bias is the mean target, the weights solve (Z'Z + lambda I) w = Z'(t - mean t).
        var gram = z.transposeTimes(z)
        for i in 0..<d { gram[i, i] += ridge + 1e-12 }
        let rhs = z.transposeTimes(Matrix(rows: z.rows, columns: 1, values: targets.map { $0 - meanTarget })).values
        weights = gram.choleskySolve(rhs) ?? [Double](repeating: 0, count: d)
        bias = meanTarget
        majority = labels.filter { $0 }.count * 2 >= labels.count
    }

    /// The probe's signed score for one state (positive: "yes").
    public func score(_ state: [Double]) -> Double {
        precondition(state.count == weights.count, "the probe reads \(weights.count) units (got \(state.count))")
        var total = bias
        for i in weights.indices { total += weights[i] * (state[i] - means[i]) / deviations[i] }
        return total
    }

    /// Accuracy on labelled states, with the accuracy of always guessing the training
    /// set's majority label (what a probe that learned nothing scores).
    public func evaluate(states: [[Double]], labels: [Bool]) -> ProbeResult {
        precondition(states.count == labels.count && !states.isEmpty, "one label per state, at least one state")
        let correct = zip(states, labels).filter { (score($0) > 0) == $1 }.count
        let chance = labels.filter { $0 == majority }.count
        return ProbeResult(accuracy: Double(correct) / Double(labels.count), chance: Double(chance) / Double(labels.count),
                           states: labels.count)
    }
}

/// A probe's test accuracy and the chance level it must beat.
public struct ProbeResult: Codable, Sendable, Hashable {
    public var accuracy: Double
    public var chance: Double
    public var states: Int
}
