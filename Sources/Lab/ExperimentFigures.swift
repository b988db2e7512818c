import Foundation

/// Figures and tables of the experiments' result files (`transfer.json`, `heldout.json`,
/// `scaling.json`, `analysis.json`; see `ResultFiles`). The experiment code can call
/// these directly too; the report calls them when it finds the files.
public enum ExperimentFigures {
    // MARK: Transfer

    /// One target's learning curves, one line per condition (mean over seeds with a 95%
    /// bootstrap band; a single seed is drawn as measured).
    public static func transferCurves(_ target: TransferResult.Target, metric: String, stepUnit: String, threshold: Double?,
                                      seed: UInt64 = 0) -> LinePlot {
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        var series: [PlotSeries] = []
        for (index, condition) in conditions(target).enumerated() {
            let curves = curves(target, condition)
            if curves.count == 1 {
                series.append(PlotSeries(name: "\(condition) (1 seed)", x: curves[0].steps, y: curves[0].scores, style: .lineAndMarkers, color: index))
            } else {
                let (steps, scores) = LearningCurve.aligned(curves)
                let intervals = scores.map { bootstrap.interval(of: $0) }
                series.append(PlotSeries(name: "\(condition) (\(curves.count) seeds)", x: steps, y: intervals.map(\.estimate),
                                         band: (intervals.map(\.lower), intervals.map(\.upper)), color: index))
            }
        }
        let pretrain = target.pretrain.isEmpty ? "" : "; pre-trained on \(target.pretrain.joined(separator: ", "))"
        return LinePlot(title: "Transfer to \(target.target)", subtitle: "Mean over seeds, band: 95% bootstrap CI\(pretrain)",
                        x: Axis(stepUnit), y: Axis(metric), series: series,
                        references: threshold.map { [ReferenceLine(y: $0, label: "threshold \(Format.trimmed($0))")] } ?? [])
    }

    /// One target's transfer measures per condition, each a mean over seeds with a 95%
    /// bootstrap interval, against the mean from-scratch curve: jumpstart, final score,
    /// steps to the threshold, area ratio and effective data transferred.
    public static func transferTable(_ target: TransferResult.Target, threshold: Double?, seed: UInt64 = 0) -> ReportPage.Table {
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        func summary(_ values: [Double?]) -> String {
            let known = values.compactMap { $0 }
            guard !known.isEmpty else { return "not reached" }
            let text = known.count == 1 ? Format.trimmed(known[0]) : bootstrap.interval(of: known).formatted()
            return known.count < values.count ? text + " (\(known.count)/\(values.count) seeds)" : text
        }
        func steps(_ values: [Double?], missing: String = "not reached") -> String {
            let known = values.compactMap { $0 }
            guard !known.isEmpty else { return missing }
            let i = known.count == 1 ? Interval(estimate: known[0], lower: known[0], upper: known[0]) : bootstrap.interval(of: known)
            let text = known.count == 1 ? Format.compact(i.estimate) : "\(Format.compact(i.estimate)) [\(Format.compact(i.lower)), \(Format.compact(i.upper))]"
            return known.count < values.count ? text + " (\(known.count)/\(values.count) seeds)" : text
        }
        let scratchCurves = curves(target, "scratch")
        let scratch: LearningCurve? = scratchCurves.isEmpty ? nil : {
            let (grid, scores) = LearningCurve.aligned(scratchCurves, points: 100)
            return LearningCurve(steps: grid, scores: scores.map(Statistics.mean))
        }()
        var rows: [[String]] = []
        for condition in conditions(target) {
            let curves = curves(target, condition)
            let isBaseline = condition == "scratch"
            rows.append([
                condition, String(curves.count),
                summary(curves.map(\.initialScore)),
                scratch.map { s in isBaseline ? "–" : summary(curves.map { $0.initialScore - s.initialScore }) } ?? "–",
                summary(curves.map(\.finalScore)),
                threshold.map { t in steps(curves.map { $0.steps(toReach: t) }) } ?? "–",
                scratch.map { s in isBaseline ? "–" : summary(curves.map { $0.areaRatio(over: s) }) } ?? "–",
                scratch.map { s in isBaseline ? "–" : steps(curves.map { s.effectiveDataTransferred(score: $0.finalScore, spent: $0.steps.last!) },
                                                                missing: "scratch never got there in \(Format.compact(s.steps.last!)) steps") } ?? "–",
            ])
        }
        return ReportPage.Table(
            caption: "Transfer to \(target.target): means over seeds [95% bootstrap CI]. Jumpstart: score at step 0 minus from-scratch's. "
                + "Area ratio: (area under the curve - from-scratch's) / from-scratch's (none when from scratch never scored). Effective data transferred: extra from-scratch steps "
                + "needed to reach this condition's final score (Hernandez et al. 2021); 'not reached' when from scratch never gets there.",
            header: ["condition", "seeds", "score at step 0", "jumpstart", "final score", "steps to threshold", "area ratio", "effective data transferred"],
            rows: rows)
    }

    static func conditions(_ target: TransferResult.Target) -> [String] {
        var seen: [String] = []
        for curve in target.curves where !seen.contains(curve.condition) { seen.append(curve.condition) }
        return seen.sorted { ($0 == "scratch" ? 0 : 1, seen.firstIndex(of: $0)!) < ($1 == "scratch" ? 0 : 1, seen.firstIndex(of: $1)!) }
    }

    static func curves(_ target: TransferResult.Target, _ condition: String) -> [LearningCurve] {
        target.curves.filter { $0.condition == condition && !$0.steps.isEmpty }.map { LearningCurve(steps: $0.steps, scores: $0.scores) }
    }

    // MARK: Held-out transfer

    /// Held-out-game score against the number of pre-training games: zero-shot, after
    /// fine-tuning, and from scratch with the same budget, each a mean over subsets, seeds
    /// and held-out games with a 95% stratified-bootstrap interval (resampled within each
    /// held-out game).
    public static func heldOutPlot(_ result: HeldOutResult, seed: UInt64 = 0) -> LinePlot {
        var bootstrap = StratifiedBootstrap(resamples: 1000, seed: seed)
        let counts = Set(result.records.map(\.pretrainGames)).sorted()
        let kinds: [(String, (HeldOutResult.Record) -> Double?)] = [("zero-shot", { $0.zeroShot }), ("fine-tuned", { $0.fineTuned }),
                                                                      ("from scratch, same budget", { $0.scratch })]
        var series: [PlotSeries] = []
        for (index, (name, value)) in kinds.enumerated() {
            var xs: [Double] = [], intervals: [Interval] = []
            for k in counts {
                let records = result.records.filter { $0.pretrainGames == k }
                let byGame = Dictionary(grouping: records.compactMap { r in value(r).map { (r.heldOut, $0) } }, by: \.0)
                guard !byGame.isEmpty else { continue }
                xs.append(Double(k))
                intervals.append(bootstrap.interval(of: .mean, scores: byGame.keys.sorted().map { byGame[$0]!.map(\.1) }))
            }
            guard !xs.isEmpty else { continue }
            series.append(PlotSeries(name: name, x: xs, y: intervals.map(\.estimate), band: (intervals.map(\.lower), intervals.map(\.upper)),
                                     style: .lineAndMarkers, dashed: index == 2, color: index))
        }
        return LinePlot(title: "Held-out games: transfer vs number of pre-training games",
                        subtitle: "Mean over held-out games, subsets and seeds; band: 95% stratified-bootstrap CI",
                        x: Axis("pre-training games (count)", ticks: counts.map(Double.init)), y: Axis(result.metric), series: series)
    }

    // MARK: Scaling

    /// A fitted power law of one series, with its exponent's interval.
    public struct ScalingFit: Sendable {
        public var series: String
        public var variable: String
        public var points: Int
        public var law: PowerLaw
        public var exponent: Interval
    }

    /// One series of a scaling plot: its name and points (N, error), in first-seen order.
    /// Series are per architecture, and per game count when the points have several.
    /// Points with error <= 0 or no N cannot go on a log axis and are left out.
    public static func scalingSeries(_ result: ScalingResult, versus variable: ScalingVariable) -> [(name: String, n: [Double], y: [Double])] {
        let points = result.points.filter { $0.error > 0 && variable.value($0).map { $0 > 0 } == true }
        let manyGameCounts = Set(points.map(\.games)).count > 1
        func key(_ point: ScalingResult.Point) -> String { manyGameCounts ? "\(point.architecture), \(point.games) game\(point.games == 1 ? "" : "s")" : point.architecture }
        var keys: [String] = []
        for point in points where !keys.contains(key(point)) { keys.append(key(point)) }
        return keys.map { name in
            let members = points.filter { key($0) == name }
            return (name, members.map { variable.value($0)! }, members.map(\.error))
        }
    }

    /// The power-law fit of every series with at least 3 points at 2 distinct N (series i
    /// bootstraps with seed `seed + i`, so the plot, the table and `play scaling` agree).
    public static func scalingFits(_ result: ScalingResult, versus variable: ScalingVariable, resamples: Int = 300,
                                   seed: UInt64 = 0) -> [ScalingFit] {
        scalingSeries(result, versus: variable).enumerated().compactMap { index, series in
            guard series.n.count >= 3 && Set(series.n).count >= 2 else { return nil }
            let (law, exponent) = PowerLawFit().exponentInterval(n: series.n, y: series.y, resamples: resamples, seed: seed &+ UInt64(index))
            return ScalingFit(series: series.name, variable: variable.rawValue, points: series.n.count, law: law, exponent: exponent)
        }
    }

    /// Error against parameters (or compute) on log-log axes, one colour per architecture
    /// and game count, each with its fitted E + A N^-alpha (dashed) and alpha's 95% interval
    /// in the legend. Points with error <= 0 cannot go on a log axis and are left out.
    public static func scalingPlot(_ result: ScalingResult, versus variable: ScalingVariable, resamples: Int = 300,
                                   seed: UInt64 = 0) -> (LinePlot, [ScalingFit])? {
        let allSeries = scalingSeries(result, versus: variable)
        guard !allSeries.isEmpty else { return nil }
        let fits = scalingFits(result, versus: variable, resamples: resamples, seed: seed)
        var series: [PlotSeries] = []
        for (index, (key, n, y)) in allSeries.enumerated() {
            var name = key
            if let fit = fits.first(where: { $0.series == key }) {
                name += ": α = \(fit.exponent.formatted())"
                let low = n.min()!, high = n.max()!
                let grid = (0...40).map { low * pow(high / low, Double($0) / 40) }
                series.append(PlotSeries(name: "fit", x: grid, y: grid.map { fit.law($0) }, dashed: true, color: index))
            }
            series.append(PlotSeries(name: name, x: n, y: y, style: .markers, color: index))
        }
        // Fitted lines share their points' legend entry: drop their own.
        var plot = LinePlot(title: "Scaling: error vs \(variable.label)",
                            subtitle: "Points: runs; dashed: fitted error = E + A·N^-α (log space, Huber loss); α: 95% bootstrap CI",
                            x: Axis(variable.axisLabel, scale: .log), y: Axis(result.metric, scale: .log), series: series)
        plot.series = series.filter { $0.name != "fit" } + series.filter { $0.name == "fit" }.map { var s = $0; s.name = ""; return s }
        return (plot, fits)
    }

    /// What a scaling plot's horizontal axis counts.
    public enum ScalingVariable: String, Sendable, CaseIterable {
        case parameters, compute
        public func value(_ point: ScalingResult.Point) -> Double? { self == .parameters ? point.parameters : point.compute }
        public var label: String { self == .parameters ? "parameters" : "training compute" }
        var axisLabel: String { self == .parameters ? "parameters (count)" : "training compute (FLOPs)" }
    }

    /// The fits as a table.
    public static func scalingTable(_ fits: [ScalingFit]) -> ReportPage.Table {
        ReportPage.Table(caption: "Power-law fits error = E + A·N^-α (log space, Huber loss, δ = 0.1); α with a 95% bootstrap CI over points.",
                         header: ["series", "N", "points", "E", "A", "α [95% CI]"],
                         rows: fits.map { [$0.series, $0.variable, String($0.points), Format.trimmed($0.law.floor), Format.trimmed($0.law.scale),
                                           $0.exponent.formatted()] })
    }

    // MARK: Representations

    public static func ckaHeatmap(_ table: AnalysisResult.CKATable) -> Heatmap {
        let low = min(0, table.values.flatMap { $0 }.filter(\.isFinite).min() ?? 0)
        return Heatmap(title: table.title, subtitle: (table.debiased ? "Debiased" : "Plain") + " linear CKA on the same states; 1 = same representation up to rotation and scale",
                       rowLabels: table.rows, columnLabels: table.columns, values: table.values, rowAxis: table.rowAxis,
                       columnAxis: table.columnAxis, colorLabel: "CKA", range: low...1)
    }

    /// Each active unit's normalised task variance per game, units sorted by their
    /// favourite game, so blocks show specialised units and rows lit in several columns
    /// show shared ones.
    public static func taskVarianceHeatmap(_ table: AnalysisResult.TaskVarianceTable) -> Heatmap {
        let analysis = TaskVariance(games: table.games, variances: table.variances)
        let rows = analysis.normalized.sorted { a, b in
            let fa = a.firstIndex(of: 1) ?? 0, fb = b.firstIndex(of: 1) ?? 0
            return fa != fb ? fa < fb : a.reduce(0, +) < b.reduce(0, +)
        }
        return Heatmap(title: table.title + ": task variance", subtitle: "Normalised task variance (1 = the unit's most-varying game); \(rows.count) active units",
                       rowLabels: rows.indices.map { "unit \($0 + 1)" }, columnLabels: table.games, values: rows,
                       rowAxis: "hidden units (sorted)", columnAxis: "game", colorLabel: "normalised task variance", showValues: false)
    }

    /// The distribution of fractional task variance for one pair of games, beside the same
    /// after a random rotation of the hidden space (the control).
    public static func fractionalVarianceChart(_ table: AnalysisResult.TaskVarianceTable, _ a: Int, _ b: Int, bins: Int = 10) -> BarChart {
        let analysis = TaskVariance(games: table.games, variances: table.variances)
        func shares(_ values: [Double]) -> [Double] {
            let counts = TaskVariance.histogram(values, bins: bins)
            let total = Double(max(1, counts.reduce(0, +)))
            return counts.map { Double($0) / total }
        }
        var groups = [BarChart.Group(name: "units", values: shares(analysis.fractional(a, b)))]
        if let rotated = table.rotatedVariances {
            groups.append(BarChart.Group(name: "randomly rotated", values: shares(TaskVariance(games: table.games, variances: rotated).fractional(a, b))))
        }
        let categories = (0..<bins).map { Format.trimmed(-1 + (Double($0) + 0.5) * 2 / Double(bins)) }
        return BarChart(title: "\(table.title): \(table.games[a]) vs \(table.games[b])",
                        subtitle: "FTV = (TV_a - TV_b) / (TV_a + TV_b): -1 serves only \(table.games[b]), +1 only \(table.games[a]), 0 both",
                        categories: categories, categoryAxis: "fractional task variance (bin centre)",
                        valueAxis: Axis("share of active units"), groups: groups)
    }

    /// The share of units serving several games, with and without rotation.
    public static func taskVarianceTable(_ tables: [AnalysisResult.TaskVarianceTable]) -> ReportPage.Table {
        ReportPage.Table(caption: "Units serving at least two games (normalised task variance ≥ 0.5 in both); the rotation control mixes units at random.",
                         header: ["layer", "games", "active units", "serve ≥ 2 games", "after random rotation"],
                         rows: tables.map { table in
                             let analysis = TaskVariance(games: table.games, variances: table.variances)
                             let rotated = table.rotatedVariances.map { TaskVariance(games: table.games, variances: $0).sharedFraction() }
                             return [table.title, String(table.games.count), String(analysis.activeUnits.count),
                                     Format.fixed(analysis.sharedFraction(), 2), rotated.map { Format.fixed($0, 2) } ?? "–"]
                         })
    }

    public static func probeHeatmap(_ table: AnalysisResult.ProbeTable) -> Heatmap {
        let chance = table.chance.map { rows in Format.fixed(Statistics.mean(rows.flatMap { $0 }), 2) }
        return Heatmap(title: table.title, subtitle: "Accuracy of a linear probe trained on the row game, tested on the column game"
                           + (chance.map { "; chance ≈ \($0)" } ?? ""),
                       rowLabels: table.games, columnLabels: table.games, values: table.accuracy,
                       rowAxis: "probe trained on", columnAxis: "tested on", colorLabel: "accuracy")
    }

    /// The cosine similarity of the games' gates (less 1): blocks of games that open and
    /// shut the same units.
    public static func gateHeatmap(_ table: AnalysisResult.GateTable) -> Heatmap {
        Heatmap(title: table.title + ": game gates", subtitle: "Cosine similarity of the games' gate factors less 1 (1 = the same units opened and shut)",
                rowLabels: table.games, columnLabels: table.games, values: table.cosines, rowAxis: "game", columnAxis: "game",
                colorLabel: "cosine", range: -1...1, showValues: table.games.count <= 12)
    }

    /// Per model and game: each glimpse head's two heaviest characters.
    public static func glimpseTable(_ tables: [AnalysisResult.GlimpseTable]) -> ReportPage.Table {
        let heads = tables.map { $0.weights.first?.count ?? 0 }.max() ?? 0
        return ReportPage.Table(caption: "Glimpses: the characters each head looks at, with their weights averaged over the game's states.",
                                header: ["model", "game"] + (0..<heads).map { "head \($0 + 1)" },
                                rows: tables.flatMap { table in
                                    table.games.indices.map { g in
                                        [table.title, table.games[g]] + (0..<heads).map { $0 < table.weights[g].count ? table.summary(g, head: $0) : "" }
                                    }
                                })
    }

    /// Per layer and game: the mean gate factor and the shares of units shut (< 0.5) and amplified (> 1.5).
    public static func gateTable(_ tables: [AnalysisResult.GateTable]) -> ReportPage.Table {
        ReportPage.Table(caption: "Game gates: each game's mean factor, and the shares of units it shuts (factor < 0.5) and amplifies (> 1.5).",
                         header: ["layer", "game", "mean factor", "shut (< 0.5)", "amplified (> 1.5)"],
                         rows: tables.flatMap { table in
                             table.games.indices.map { g in
                                 [table.title, table.games[g], Format.fixed(table.mean(g), 2), Format.fixed(table.share(g, below: 0.5), 2),
                                  Format.fixed(table.share(g, above: 1.5), 2)]
                             }
                         })
    }
}
