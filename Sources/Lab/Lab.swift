import Games
import RL

/// Lab: transfer, scaling and representation experiments, statistics, run logs,
/// plots and reports.
///
/// Built so far: statistics (`Statistics`, `StratifiedBootstrap`), power-law fits
/// (`PowerLawFit`), representation analyses (`Representations` for CKA, `TaskVariance`,
/// `LinearProbe`), learning-curve transfer measures (`LearningCurve`), SVG figures
/// (`LinePlot`, `Heatmap`, `BarChart`), the report (`Report`, `play plot`) with its
/// result files (`ResultFiles`), and CSV export (`Export`, `play export`). The
/// experiments that train write those result files: `TrainingSession` is the one
/// training loop (also behind `play train`), `ExperimentRun` one run of an experiment,
/// `TransferExperiment` and `HeldOutExperiment` (`play transfer`),
/// `RepresentationAnalysis` (`play analyze`), sweeps (`SweepPlan`, `SweepLayout`,
/// `SlurmScript`: `play sweep`) and their scaling fits (`ScalingAnalysis`: `play scaling`,
/// which writes `scaling.json`).
public enum Lab {
    /// The experiments the lab will run.
    public enum Experiment: String, CaseIterable, Sendable { case transfer, scaling, sweep, representations }
}
