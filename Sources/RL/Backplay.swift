import GameKit
import SeededRandom

/// Backplay for single-player tasks (`TrainingConfig.backplay`): a share of the tasks'
/// training episodes start part way along the solver's shortest solution of their level,
/// a few steps before the goal at first and further back as the network learns to finish
/// from there.
///
/// Why: in a joint run key-door-9x9 and lava-9x9 stay at their random walk's success (5%
/// and 1%) with more decisions (`--game-weights tasks=3`) and with self-imitation
/// (`SuccessReplay`), which can only replay the successes the walk finds. Backplay (Resnick,
/// Raileanu, Kapoor, Peysakhovich, Cho and Bruna, "Backplay: 'Man muss immer umkehren'",
/// 2018; and the reverse curriculum of Florensa, Held, Wulfmeier, Zhang and Abbeel, CoRL
/// 2017) starts episodes near the goal, where a random walk succeeds often, and moves the
/// start back along a demonstration. Here the demonstration is the task's own solver
/// (`SolvableTask.shortestSolution`), so every task has one and no game changes.
///
/// What it changes, and what not:
/// - The solver's moves before a backplay start are played, not learned from: the network
///   learns only from its own moves after the start. They count as steps, so the step
///   budget and the reward (`TaskReward`) are those of the same state in a whole episode.
/// - Evaluations always start at a level's start; so do the episodes outside the
///   `TrainingConfig.backplay` share. Only those episodes give the logged returns and the
///   progress display's scores (a backplay episode is easier than the task).
/// - The solver runs once more per backplay episode (`GridTask.initialState` already
///   solved the level to check it); a grid task's breadth-first search costs far less
///   than the episode's network calls.
/// - Backplay episodes are counted like any other where the run counts episodes: the
///   running decisions per game (`SelfPlayRollouts.decisionsPerGame`, so under the default
///   `GameSampling.decisions` a task is drawn more often, for the same share of decisions),
///   `gamesFinished`, and the per-game entropies of train events. Self-imitation
///   (`SuccessReplay`) does not keep their moves: they would fill its memory with
///   near-goal successes and push out the whole episodes' rare ones.
/// - `--init-from` starts a new run, so its schedule starts at `firstReach` again.
///
/// The schedule (per task): the start lies a distance drawn uniformly from `1...reach`
/// solver steps before the goal (at the level's start if its solution is no longer).
/// `reach` starts at `firstReach`; after every `window` backplay episodes it grows by a
/// quarter (at least 1) if at least `advanceAt` of them succeeded, else stays. It stops
/// growing at the task's step budget. Checkpoints keep it, so a resumed run continues alike.
///
/// Why near starts stay in the draw and the bar is 3 in 4: a first version drew from
/// `ceil(reach / 2)...reach` and moved on at 1 in 2. A random walk passes that bar up to 10
/// to 15 steps from a key-door goal, so the reach moved back without the network learning
/// anything, and the near starts, where it could have learned, were no longer drawn:
/// key-door-9x9's policy stayed uniform. Alone for 2 minutes (`play --games key-door-7x7
/// --backplay 0.5 --minutes 2 --seed 1`), key-door-7x7 reached 0.86 success in 47.6 steps
/// with the first version and 1.00 in 15.6 steps with this one (optimum 10.4).
public struct Backplay: Codable, Sendable, Hashable {
    /// The first reach: starts one or two steps before the goal.
    public static let firstReach = 2
    /// Backplay episodes per decision on the reach.
    public static let window = 32
    /// The success rate over a window at which the reach grows (see the schedule for why 3 in 4).
    public static let advanceAt = 0.75

    /// Per game of the run, the farthest a backplay start lies from the goal, in solver
    /// steps; 0 for games that are not solvable tasks (they never start by backplay).
    public internal(set) var reach: [Int]
    /// Per game, backplay episodes ended in the current window, and how many succeeded.
    public internal(set) var ended: [Int]
    public internal(set) var succeeded: [Int]
    /// Per game, backplay episodes ended in all.
    public internal(set) var episodes: [Int]

    /// A schedule at its start for `games` (the run's games, in order).
    public init(games: [AnyGame]) {
        reach = games.map { $0.isSolvableTask ? Backplay.firstReach : 0 }
        ended = Array(repeating: 0, count: games.count)
        succeeded = ended
        episodes = ended
    }

    /// Whether game `index` starts some episodes by backplay.
    public func applies(to index: Int) -> Bool { reach[index] > 0 }

    /// A backplay start of `game` (the run's game `index`) on the level `level`: the
    /// solver's shortest solution from `level`, played up to a point drawn from `rng`
    /// (1 to `reach` steps before the goal), or `level` itself if the solution is not
    /// longer than that distance.
    public func start(of game: AnyGame, index: Int, level: AnyGameState, rng: inout SeededGenerator) -> AnyGameState {
        let reach = self.reach[index]
        // Reach 0 would play the whole solution and start a finished episode.
        precondition(reach >= 1, "\(game.id) has no backplay reach: check applies(to:) first")
        let distance = 1 + Int(rng.next() % UInt64(reach))
        return Backplay.state(of: game, level: level, distance: distance)
    }

    /// The state `distance` (at least 1) steps before the goal on the solver's shortest
    /// solution of `level`, with the solver's moves played; `level` itself if the solution
    /// is not longer than `distance` (or there is none). Also where `play eval
    /// --start-distance` starts its episodes, to measure how far from the goal a network
    /// can still finish.
    public static func state(of game: AnyGame, level: AnyGameState, distance: Int) -> AnyGameState {
        precondition(distance >= 1, "a backplay start lies at least 1 step before the goal")
        guard let solution = game.shortestSolution(from: level), solution.count > distance else { return level }
        var state = level
        for action in solution.prefix(solution.count - distance) { game.play(action, in: &state) }
        return state
    }

    /// Counts one ended backplay episode of game `index`, and moves its reach at the end of a window.
    public mutating func record(game index: Int, success: Bool, budget: Int) {
        ended[index] += 1
        episodes[index] += 1
        if success { succeeded[index] += 1 }
        guard ended[index] >= Backplay.window else { return }
        if Double(succeeded[index]) >= Backplay.advanceAt * Double(ended[index]) {
            reach[index] = min(budget, reach[index] + max(1, reach[index] / 4))
        }
        ended[index] = 0
        succeeded[index] = 0
    }

    /// Why this schedule (read from a checkpoint) cannot continue a run of `games`, or nil.
    public func problem(games: [AnyGame]) -> String? {
        guard reach.count == games.count, ended.count == games.count, succeeded.count == games.count,
              episodes.count == games.count else {
            return "its backplay schedule covers \(reach.count) games, the run trains \(games.count)"
        }
        for (index, game) in games.enumerated() {
            let valid = game.isSolvableTask
                ? reach[index] >= 1 && reach[index] <= max(game.maxLength, Backplay.firstReach)
                : reach[index] == 0
            guard valid, ended[index] >= 0, ended[index] < Backplay.window, succeeded[index] >= 0, succeeded[index] <= ended[index],
                  episodes[index] >= ended[index] else {
                return "its backplay schedule for \(game.id) is out of range (reach \(reach[index]), \(succeeded[index]) of \(ended[index]) "
                    + "episodes of the window, \(episodes[index]) in all); allowed: reach 1 to the task's step budget "
                    + "(\(game.maxLength)) for a task and 0 for other games, 0 to \(Backplay.window - 1) episodes in the "
                    + "window, at most that many successes, and at least that many in all"
            }
        }
        return nil
    }
}
