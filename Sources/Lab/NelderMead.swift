/// Derivative-free minimisation by the Nelder-Mead simplex method (Nelder and Mead 1965,
/// with the standard coefficients of Lagarias et al. 1998: reflection 1, expansion 2,
/// contraction 1/2, shrink 1/2).
///
/// Used for the lab's small fits (2-3 parameters) whose losses are robust (Huber) and so
/// only once differentiable: a simplex needs no gradient, and at this size its cost is
/// negligible. An objective may return `.infinity` to forbid a region (a constraint).
public struct NelderMead: Sendable {
    /// The most objective evaluations spent.
    public var maxEvaluations = 4000
    /// Stop when the simplex's values differ by less than this and its vertices lie this close.
    public var tolerance = 1e-10

    public init() {}

    /// The point near `start` where `objective` is smallest, and its value. `step` is the
    /// initial simplex's extent along each axis.
    public func minimize(_ objective: ([Double]) -> Double, from start: [Double], step: [Double]) -> (point: [Double], value: Double) {
        precondition(!start.isEmpty && start.count == step.count, "start and step need the same, non-zero dimension")
        let dimension = start.count
        var simplex = [start]
        for axis in 0..<dimension {
            var vertex = start
            vertex[axis] += step[axis] == 0 ? 1e-3 : step[axis]
            simplex.append(vertex)
        }
        var values = simplex.map(objective)
        var evaluations = values.count
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = abs(values[dimension] - values[0])
            let size = simplex.dropFirst().map { vertex in zip(vertex, simplex[0]).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            if spread <= tolerance * (1 + abs(values[0])) && size <= tolerance.squareRoot() { break }
            // The centroid of every vertex but the worst.
            var centroid = [Double](repeating: 0, count: dimension)
            for vertex in simplex.dropLast() { for i in 0..<dimension { centroid[i] += vertex[i] / Double(dimension) } }
            func along(_ t: Double) -> [Double] { (0..<dimension).map { centroid[$0] + t * (simplex[dimension][$0] - centroid[$0]) } }
            let reflected = along(-1)
            let reflectedValue = objective(reflected)
            evaluations += 1
            if reflectedValue < values[0] {
                let expanded = along(-2)
                let expandedValue = objective(expanded)
                evaluations += 1
                (simplex[dimension], values[dimension]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue)
            } else if reflectedValue < values[dimension - 1] {
                (simplex[dimension], values[dimension]) = (reflected, reflectedValue)
            } else {
                // Contract towards the better of the worst vertex and its reflection.
                let outside = reflectedValue < values[dimension]
                let contracted = along(outside ? -0.5 : 0.5)
                let contractedValue = objective(contracted)
                evaluations += 1
                if contractedValue < (outside ? reflectedValue : values[dimension]) {
                    (simplex[dimension], values[dimension]) = (contracted, contractedValue)
                } else {
                    for index in 1...dimension {
                        simplex[index] = (0..<dimension).map { simplex[0][$0] + 0.5 * (simplex[index][$0] - simplex[0][$0]) }
                        values[index] = objective(simplex[index])
                    }
                    evaluations += dimension
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (simplex[best], values[best])
    }
}
