import Games
import RL

/// Lab: transfer, scaling and representation experiments, statistics, run logs,
/// plots and reports.
///
/// Not built yet: the lab is its own issue (see README).
public enum Lab {
    /// The experiments the lab will run.
    public enum Experiment: String, CaseIterable, Sendable { case transfer, scaling, sweep, representations }
}
