import Foundation

/// The Slurm job array of a sweep: one array task per cell, each running
/// `play sweep PLAN --cell $SLURM_ARRAY_TASK_ID --out DIR`, so the cluster fills the same
/// directory layout (`SweepLayout`) a local run does, and finished cells are skipped there
/// too. Submit with `sbatch DIR/sweep.sbatch`.
public enum SlurmScript {
    /// The script's text. `program` is the `play` executable the nodes run (the
    /// environment variable PLAY overrides it at submission); `threads` is each cell's
    /// `--cpus-per-task` and `--threads`.
    public static func text(plan: SweepPlan, layout: SweepLayout, program: String, threads: Int) -> String {
        let last = plan.cells.count - 1
        var lines = ["#!/bin/bash",
                     "# Slurm job array for the sweep '\(plan.name)': \(plan.cells.count) cells, one per array task",
                     "# (the list is in cells.tsv). Written by play sweep --emit slurm; submit with: sbatch \(quoted(layout.slurmScript.path))",
                     "#SBATCH --job-name=\(jobName(plan.name))",
                     "#SBATCH --array=0-\(last)" + (plan.slurm.maxParallel.map { "%\($0)" } ?? ""),
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=\(threads)",
                     "#SBATCH --output=\(layout.logs.path)/slurm-%A_%a.out"]
        if let partition = plan.slurm.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = plan.slurm.time { lines.append("#SBATCH --time=\(time)") }
        if let memory = plan.slurm.memory { lines.append("#SBATCH --mem=\(memory)") }
        for option in plan.slurm.options { lines.append("#SBATCH \(option)") }
        lines += ["set -euo pipefail",
                  "PLAY=${PLAY:-\(quoted(program))}",
                  "exec \"$PLAY\" sweep \(quoted(layout.plan.path)) --cell \"$SLURM_ARRAY_TASK_ID\" --out \(quoted(layout.root.path)) \\",
                  "    --threads \"${SLURM_CPUS_PER_TASK:-\(threads)}\""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Slurm job names: letters, digits, '-', '_' and '.'.
    static func jobName(_ name: String) -> String {
        String(("sweep-" + name).map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }.prefix(64))
    }

    /// A word for bash: single-quoted unless it is plain.
    static func quoted(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,".contains($0)) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
