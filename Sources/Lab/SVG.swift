/// A minimal SVG writer: the figures are plain text so the report needs no plotting
/// library, opens in any browser and diffs in git.
///
///     var svg = SVG(width: 200, height: 100)
///     svg.text("hello", x: 100, y: 50, anchor: .middle)
///     let text = svg.document
public struct SVG: Sendable {
    public enum Anchor: String, Sendable { case start, middle, end }

    public let width: Double
    public let height: Double
    private var elements: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished document.
    public var document: String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
        font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="white"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000", width: Double = 1,
                              dash: String? = nil) {
        elements.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
                        + "stroke-width=\"\(n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    /// An open polyline through the points.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" "
                        + "stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    /// A closed, filled polygon (confidence bands).
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        guard points.count >= 3 else { return }
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        elements.append("<polygon points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"\(n(opacity))\" stroke=\"none\"/>")
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                              title: String? = nil) {
        let tooltip = title.map { "<title>\(SVG.escape($0))</title>" } ?? ""
        elements.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, width)))\" height=\"\(n(max(0, height)))\" "
                        + "fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")>\(tooltip)</rect>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String = "white") {
        elements.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1\"/>")
    }

    /// Text at (x, y) (the baseline), optionally rotated about that point.
    public mutating func text(_ string: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                              weight: String = "normal", fill: String = "#222", rotate: Double = 0) {
        let rotation = rotate == 0 ? "" : " transform=\"rotate(\(n(rotate)) \(n(x)) \(n(y)))\""
        elements.append("<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(n(size))\" "
                        + "font-weight=\"\(weight)\" fill=\"\(fill)\"\(rotation)>\(SVG.escape(string))</text>")
    }

    /// Escapes the characters XML reserves.
    public static func escape(_ string: String) -> String {
        var out = ""
        for character in string {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Coordinates with at most 2 decimals keep files small.
    private func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// Colours that stay distinct for colour-blind readers (Okabe and Ito 2008,
/// "Color Universal Design"), in the order series take them.
public enum Palette {
    public static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    public static func color(_ index: Int) -> String { categorical[index % categorical.count] }

    /// A sequential colour for t in [0, 1], light (low) to dark (high), interpolated
    /// through ColorBrewer's YlGnBu anchors (Brewer 2003), so heatmaps read by lightness.
    public static func sequential(_ t: Double) -> String {
        let anchors: [(Double, Double, Double)] = [(255, 255, 217), (199, 233, 180), (65, 182, 196), (34, 94, 168), (8, 29, 88)]
        let clamped = t.isFinite ? min(1, max(0, t)) : 0
        let position = clamped * Double(anchors.count - 1)
        let low = min(Int(position), anchors.count - 2), f = position - Double(low)
        let a = anchors[low], b = anchors[low + 1]
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + f * (y - x)).rounded()) }
        return hex(channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    /// Whether text on the sequential colour for t should be white.
    public static func needsLightText(_ t: Double) -> Bool { t > 0.55 }

    private static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789abcdef")
        return "#" + [r, g, b].map { String(digits[$0 / 16]) + String(digits[$0 % 16]) }.joined()
    }
}
