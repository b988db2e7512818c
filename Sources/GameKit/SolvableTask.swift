/// A single-player task with a known optimum: a solver (breadth-first search for the
/// grid tasks) finds the fewest actions that succeed, so a score can be normalised
/// against the optimum and every generated level is known to be solvable.
public protocol SolvableTask: Game {
    /// A shortest sequence of action ids that ends the task in success from `state`,
    /// or nil if no sequence does (the state is lost or the level unsolvable).
    func shortestSolution(from state: State) -> [Int]?
}

/// The reward rule every task shares: success earns `1 - 0.9 * steps / maxLength`
/// (so faster is better, and a success always beats a failure), failure earns 0.
/// The same rule as MiniGrid's (Chevalier-Boisvert et al., 2018).
public enum TaskReward {
    /// The reward of a success after `steps` actions in a task limited to `maxLength`.
    public static func success(steps: Int, maxLength: Int) -> Double {
        precondition(maxLength > 0 && steps >= 0 && steps <= maxLength, "steps outside the task's length")
        return 1 - 0.9 * Double(steps) / Double(maxLength)
    }
}
