/// A matrix as coloured cells with their values written in, row and column labels and a
/// colour bar: CKA between layers or models, probe accuracy from one game to another,
/// each unit's normalised task variance per game.
public struct Heatmap: Sendable {
    public var title: String
    public var subtitle: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// (rows, columns); NaN cells are drawn grey and labelled "–".
    public var values: [[Double]]
    /// What rows and columns are ("trained on", "tested on").
    public var rowAxis: String
    public var columnAxis: String
    /// What the colour means, with its unit, and the range it spans.
    public var colorLabel: String
    public var range: ClosedRange<Double>
    /// Write each cell's value (off for large matrices such as units x games).
    public var showValues: Bool
    public var cellWidth = 56.0, cellHeight = 30.0

    public init(title: String, subtitle: String = "", rowLabels: [String], columnLabels: [String], values: [[Double]],
                rowAxis: String, columnAxis: String, colorLabel: String, range: ClosedRange<Double> = 0...1, showValues: Bool = true) {
        precondition(values.count == rowLabels.count && values.allSatisfy { $0.count == columnLabels.count },
                     "\(title): one value per row and column")
        self.title = title
        self.subtitle = subtitle
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.rowAxis = rowAxis
        self.columnAxis = columnAxis
        self.colorLabel = colorLabel
        self.range = range
        self.showValues = showValues
        if !showValues { (cellWidth, cellHeight) = (max(14, min(56, 420 / Double(max(1, columnLabels.count)))),
                                                    max(2, min(30, 420 / Double(max(1, rowLabels.count))))) }
    }

    public var svg: String {
        let longestRow = Double(rowLabels.map(\.count).max() ?? 0)
        let left = 40 + 6.5 * min(longestRow, 24), top = (subtitle.isEmpty ? 50.0 : 66.0)
        let longestColumn = Double(columnLabels.map(\.count).max() ?? 0)
        let columnLabelHeight = 14 + 4.6 * min(longestColumn, 24)  // Labels are slanted 45 degrees.
        let gridWidth = cellWidth * Double(columnLabels.count), gridHeight = cellHeight * Double(rowLabels.count)
        let barX = left + gridWidth + 28
        let width = max(barX + 110, 420, 24 + 8.5 * Double(title.count), 24 + 6 * Double(subtitle.count)), height = max(top + gridHeight + columnLabelHeight + 30, 260)
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 12, y: 22, size: 15, weight: "bold")
        if !subtitle.isEmpty { svg.text(subtitle, x: 12, y: 40, size: 11, fill: "#555") }

        let span = range.upperBound - range.lowerBound
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let t = (value - range.lowerBound) / span
                let x = left + Double(c) * cellWidth, y = top + Double(r) * cellHeight
                svg.rect(x: x, y: y, width: cellWidth, height: cellHeight, fill: value.isFinite ? Palette.sequential(t) : "#ddd",
                         stroke: showValues ? "white" : nil, title: "\(rowLabels[r]) / \(columnLabels[c]): \(Format.fixed(value, 3))")
                if showValues {
                    svg.text(Format.fixed(value, 2), x: x + cellWidth / 2, y: y + cellHeight / 2 + 4, anchor: .middle, size: 11,
                             fill: Palette.needsLightText(t) ? "white" : "#222")
                }
            }
        }
        let rowStep = max(1, Int((12 / cellHeight).rounded(.up)))
        for (r, label) in rowLabels.enumerated() where r % rowStep == 0 {
            svg.text(short(label), x: left - 6, y: top + (Double(r) + 0.5) * cellHeight + 4, anchor: .end, size: 11)
        }
        let columnStep = max(1, Int((12 / cellWidth).rounded(.up)))
        for (c, label) in columnLabels.enumerated() where c % columnStep == 0 {
            let x = left + (Double(c) + 0.5) * cellWidth, y = top + gridHeight + 12
            svg.text(short(label), x: x, y: y, anchor: .end, size: 11, rotate: -45)
        }
        svg.text(columnAxis, x: left + gridWidth / 2, y: top + gridHeight + columnLabelHeight + 14, anchor: .middle, size: 12)
        svg.text(rowAxis, x: 14, y: top + gridHeight / 2, anchor: .middle, size: 12, rotate: -90)

        // The colour bar: 20 steps from the range's low end (bottom) to its high end (top).
        let barHeight = max(gridHeight, 120), steps = 20
        for i in 0..<steps {
            let t = (Double(i) + 0.5) / Double(steps)
            svg.rect(x: barX, y: top + barHeight * (1 - Double(i + 1) / Double(steps)), width: 14, height: barHeight / Double(steps) + 0.5,
                     fill: Palette.sequential(t))
        }
        for t in [0.0, 0.5, 1.0] {
            svg.text(Format.trimmed(range.lowerBound + t * span), x: barX + 18, y: top + barHeight * (1 - t) + 4, size: 10)
        }
        svg.text(colorLabel, x: barX + 60, y: top + barHeight / 2, anchor: .middle, size: 11, rotate: 90)
        return svg.document
    }

    private func short(_ label: String) -> String { label.count > 24 ? String(label.prefix(23)) + "…" : label }
}
