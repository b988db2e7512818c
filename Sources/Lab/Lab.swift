import Games
import RL

/// Lab: transfer, scaling and representation experiments, statistics, run logs,
/// plots and reports.
///
/// Built so far: statistics (`Statistics`, `StratifiedBootstrap`), power-law fits
/// (`PowerLawFit`), representation analyses (`Representations` for CKA, `TaskVariance`,
/// `LinearProbe`), learning-curve transfer measures (`LearningCurve`), SVG figures
/// (`LinePlot`, `Heatmap`, `BarChart`), the report (`Report`, `play plot`) with its
/// result files (`ResultFiles`), CSV export (`Export`, `play export`), sweeps
/// (`SweepPlan`, `SweepLayout`, `SlurmScript`: `play sweep`) and their scaling fits
/// (`ScalingAnalysis`: `play scaling`, which writes `scaling.json`).
public enum Lab {
    /// The experiments the lab will run.
    public enum Experiment: String, CaseIterable, Sendable { case transfer, scaling, sweep, representations }
}
