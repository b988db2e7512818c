import Foundation

/// One named set of points in a `LinePlot`, optionally with a confidence band.
public struct PlotSeries: Sendable {
    public enum Style: Sendable { case line, markers, lineAndMarkers }

    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// The band's lower and upper edges at each x (e.g. a 95% CI), or nil.
    public var band: (lower: [Double], upper: [Double])?
    public var style: Style
    public var dashed: Bool
    /// Palette index; series sharing it share a colour (e.g. points and their fitted line).
    public var color: Int

    public init(name: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil,
                style: Style = .line, dashed: Bool = false, color: Int) {
        precondition(x.count == y.count, "\(name): one y per x")
        if let band { precondition(band.lower.count == x.count && band.upper.count == x.count, "\(name): one band edge per x") }
        self.name = name
        self.x = x
        self.y = y
        self.band = band
        self.style = style
        self.dashed = dashed
        self.color = color
    }
}

/// A horizontal reference line with a label (e.g. "random player").
public struct ReferenceLine: Sendable {
    public var y: Double
    public var label: String
    public init(y: Double, label: String) {
        self.y = y
        self.label = label
    }
}

/// Lines, markers and confidence bands on linear or log axes, with a legend: learning
/// curves, transfer curves, scaling plots with their fitted power laws. A series with an
/// empty name stays out of the legend (a fitted line beside its points).
public struct LinePlot: Sendable {
    public var title: String
    /// A line under the title saying what the bands and points are.
    public var subtitle: String
    public var x: Axis
    public var y: Axis
    public var series: [PlotSeries]
    public var references: [ReferenceLine]
    public var width = 640.0, height = 400.0

    public init(title: String, subtitle: String = "", x: Axis, y: Axis, series: [PlotSeries], references: [ReferenceLine] = []) {
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
        self.series = series
        self.references = references
    }

    /// The figure as an SVG document.
    public var svg: String {
        let legendWidth = series.allSatisfy(\.name.isEmpty) ? 0.0 : min(250, 40 + 6.2 * Double(series.map { min($0.name.count, 34) }.max() ?? 0))
        let left = 72.0, right = 16 + legendWidth, top = subtitle.isEmpty ? 44.0 : 60.0, bottom = 52.0
        var svg = SVG(width: width, height: height)
        svg.text(title, x: left, y: 22, size: 15, weight: "bold")
        if !subtitle.isEmpty { svg.text(subtitle, x: left, y: 40, size: 11, fill: "#555") }

        func usable(_ values: [Double], _ axis: Axis) -> [Double] { values.filter { $0.isFinite && (axis.scale == .linear || $0 > 0) } }
        let xs = usable(series.flatMap(\.x), x)
        var ys = usable(series.flatMap { $0.y + ($0.band.map { $0.lower + $0.upper } ?? []) } + references.map(\.y), y)
        if ys.isEmpty { ys = [0, 1] }
        let xLayout = x.layout(low: xs.min() ?? 0, high: xs.max() ?? 1)
        let yLayout = y.layout(low: ys.min()!, high: ys.max()!)
        let plotLeft = left, plotRight = width - right, plotTop = top, plotBottom = height - bottom
        let px = PixelMap(range: xLayout.range, scale: x.scale, from: plotLeft, to: plotRight)
        let py = PixelMap(range: yLayout.range, scale: y.scale, from: plotBottom, to: plotTop)

        // Grid and ticks.
        for tick in yLayout.ticks {
            let p = py(tick)
            svg.line(x1: plotLeft, y1: p, x2: plotRight, y2: p, stroke: "#e4e4e4")
            svg.text(Axis.tickLabel(tick), x: plotLeft - 6, y: p + 4, anchor: .end, size: 11)
        }
        for tick in xLayout.ticks {
            let p = px(tick)
            svg.line(x1: p, y1: plotTop, x2: p, y2: plotBottom, stroke: "#e4e4e4")
            svg.text(Axis.tickLabel(tick), x: p, y: plotBottom + 16, anchor: .middle, size: 11)
        }
        svg.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: "#444")
        svg.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: "#444")
        svg.text(x.label + (x.scale == .log ? " (log scale)" : ""), x: (plotLeft + plotRight) / 2, y: height - 12, anchor: .middle, size: 12)
        svg.text(y.label + (y.scale == .log ? " (log scale)" : ""), x: 16, y: (plotTop + plotBottom) / 2, anchor: .middle, size: 12, rotate: -90)

        for reference in references where yLayout.range.contains(reference.y) {
            let p = py(reference.y)
            svg.line(x1: plotLeft, y1: p, x2: plotRight, y2: p, stroke: "#888", width: 1, dash: "2,3")
            svg.text(reference.label, x: plotRight - 4, y: p - 4, anchor: .end, size: 10, fill: "#666")
        }

        func inside(_ xv: Double, _ yv: Double) -> Bool {
            xv.isFinite && yv.isFinite && (x.scale == .linear || xv > 0) && (y.scale == .linear || yv > 0)
        }
        func clampY(_ v: Double) -> Double { min(plotBottom, max(plotTop, v)) }
        for s in series {
            let colour = Palette.color(s.color)
            if let band = s.band {
                let indices = s.x.indices.filter { inside(s.x[$0], band.lower[$0]) && inside(s.x[$0], band.upper[$0]) }
                let upper = indices.map { (px(s.x[$0]), clampY(py(band.upper[$0]))) }
                let lower = indices.reversed().map { (px(s.x[$0]), clampY(py(band.lower[$0]))) }
                svg.polygon(upper + lower, fill: colour, opacity: 0.18)
            }
        }
        for s in series {
            let colour = Palette.color(s.color)
            let points = s.x.indices.filter { inside(s.x[$0], s.y[$0]) }.map { (px(s.x[$0]), py(s.y[$0])) }
            if s.style != .markers { svg.polyline(points, stroke: colour, width: 2, dash: s.dashed ? "6,4" : nil) }
            if s.style != .line { for p in points { svg.circle(x: p.0, y: p.1, radius: 3.5, fill: colour) } }
        }

        // Legend, right of the plot.
        let legendX = plotRight + 14
        for (index, s) in series.filter({ !$0.name.isEmpty }).enumerated() {
            let rowY = plotTop + 8 + Double(index) * 18
            let colour = Palette.color(s.color)
            if s.band != nil { svg.rect(x: legendX, y: rowY - 7, width: 22, height: 14, fill: colour + "2e") }
            if s.style != .markers { svg.line(x1: legendX, y1: rowY, x2: legendX + 22, y2: rowY, stroke: colour, width: 2, dash: s.dashed ? "6,4" : nil) }
            if s.style != .line { svg.circle(x: legendX + 11, y: rowY, radius: 3.5, fill: colour) }
            svg.text(s.name.count > 34 ? String(s.name.prefix(33)) + "…" : s.name, x: legendX + 28, y: rowY + 4, size: 11)
        }
        return svg.document
    }
}
