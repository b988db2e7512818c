/// Grouped bars with confidence intervals: aggregate scores (IQM, mean) per condition,
/// histograms (fractional task variance, with its rotation control beside it).
public struct BarChart: Sendable {
    /// One colour of bars: a value (and optional interval) per category.
    public struct Group: Sendable {
        public var name: String
        public var values: [Double]
        public var intervals: [Interval]?
        public init(name: String, values: [Double], intervals: [Interval]? = nil) {
            self.name = name
            self.values = values
            self.intervals = intervals
        }
    }

    public var title: String
    public var subtitle: String
    public var categories: [String]
    public var categoryAxis: String
    public var valueAxis: Axis
    public var groups: [Group]
    public var width = 640.0, height = 380.0

    public init(title: String, subtitle: String = "", categories: [String], categoryAxis: String, valueAxis: Axis, groups: [Group]) {
        precondition(groups.allSatisfy { $0.values.count == categories.count && ($0.intervals?.count ?? categories.count) == categories.count },
                     "\(title): one value per category in every group")
        self.title = title
        self.subtitle = subtitle
        self.categories = categories
        self.categoryAxis = categoryAxis
        self.valueAxis = valueAxis
        self.groups = groups
    }

    public var svg: String {
        let legendWidth = groups.count > 1 ? min(220, 40 + 6.5 * Double(groups.map(\.name.count).max() ?? 0)) : 0
        let left = 72.0, right = 16 + legendWidth, top = subtitle.isEmpty ? 44.0 : 60.0
        // Slant the labels only when they would not fit side by side.
        let slanted = 7 * Double(categories.map(\.count).max() ?? 0) > (width - 88 - legendWidth) / Double(max(1, categories.count))
        let bottom = slanted ? 60 + 4.6 * Double(min(categories.map(\.count).max() ?? 0, 24)) : 52.0
        var svg = SVG(width: width, height: height + (slanted ? bottom - 52 : 0))
        let plotBottom = svg.height - bottom, plotTop = top, plotLeft = left, plotRight = width - right
        svg.text(title, x: left, y: 22, size: 15, weight: "bold")
        if !subtitle.isEmpty { svg.text(subtitle, x: left, y: 40, size: 11, fill: "#555") }

        var all = groups.flatMap { $0.values + ($0.intervals?.flatMap { [$0.lower, $0.upper] } ?? []) }.filter(\.isFinite)
        all.append(0)
        let layout = valueAxis.layout(low: all.min()!, high: all.max()!)
        let py = PixelMap(range: layout.range, scale: .linear, from: plotBottom, to: plotTop)
        for tick in layout.ticks {
            svg.line(x1: plotLeft, y1: py(tick), x2: plotRight, y2: py(tick), stroke: "#e4e4e4")
            svg.text(Axis.tickLabel(tick), x: plotLeft - 6, y: py(tick) + 4, anchor: .end, size: 11)
        }
        let slot = (plotRight - plotLeft) / Double(max(1, categories.count))
        let barWidth = slot * 0.8 / Double(max(1, groups.count))
        for (g, group) in groups.enumerated() {
            let colour = Palette.color(g)
            for (c, value) in group.values.enumerated() where value.isFinite {
                let x = plotLeft + Double(c) * slot + slot * 0.1 + Double(g) * barWidth
                let zero = py(max(layout.range.lowerBound, 0)), top = py(value)
                svg.rect(x: x, y: min(zero, top), width: barWidth - 1, height: abs(zero - top), fill: colour,
                         title: "\(group.name) \(categories[c]): \(Format.fixed(value, 3))")
                if let interval = group.intervals?[c], interval.lower.isFinite, interval.upper.isFinite {
                    let mid = x + barWidth / 2
                    svg.line(x1: mid, y1: py(interval.lower), x2: mid, y2: py(interval.upper), stroke: "#222", width: 1.5)
                    svg.line(x1: mid - 4, y1: py(interval.lower), x2: mid + 4, y2: py(interval.lower), stroke: "#222", width: 1.5)
                    svg.line(x1: mid - 4, y1: py(interval.upper), x2: mid + 4, y2: py(interval.upper), stroke: "#222", width: 1.5)
                }
            }
        }
        for (c, category) in categories.enumerated() {
            let x = plotLeft + (Double(c) + 0.5) * slot
            if slanted {
                svg.text(category, x: x, y: plotBottom + 14, anchor: .end, size: 11, rotate: -45)
            } else {
                svg.text(category, x: x, y: plotBottom + 16, anchor: .middle, size: 11)
            }
        }
        svg.line(x1: plotLeft, y1: py(max(layout.range.lowerBound, 0)), x2: plotRight, y2: py(max(layout.range.lowerBound, 0)), stroke: "#444")
        svg.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: "#444")
        svg.text(categoryAxis, x: (plotLeft + plotRight) / 2, y: svg.height - 10, anchor: .middle, size: 12)
        svg.text(valueAxis.label, x: 16, y: (plotTop + plotBottom) / 2, anchor: .middle, size: 12, rotate: -90)
        if groups.count > 1 {
            for (g, group) in groups.enumerated() {
                let rowY = plotTop + 8 + Double(g) * 18
                svg.rect(x: plotRight + 14, y: rowY - 6, width: 14, height: 12, fill: Palette.color(g))
                svg.text(group.name, x: plotRight + 34, y: rowY + 4, size: 11)
            }
        }
        return svg.document
    }
}
