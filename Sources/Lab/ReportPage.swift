import Foundation

/// The HTML report being assembled: sections of figures (SVG files beside the page),
/// captions and tables, written as one static `index.html` that opens from disk.
///
/// The page checks itself: once everything has loaded, a small script marks
/// `<body data-report-status="ok">` if every figure loaded and no script error happened
/// (`"broken: NAMES"` otherwise). `play plot`'s browser test reads that marker.
public struct ReportPage: Sendable {
    /// A figure: its file name (without extension), the SVG and what it shows.
    public struct Figure: Sendable {
        public var name: String
        public var svg: String
        public var caption: String
        public init(name: String, svg: String, caption: String) {
            self.name = name
            self.svg = svg
            self.caption = caption
        }
    }

    /// A table with a header row; cells are plain text.
    public struct Table: Sendable {
        public var caption: String
        public var header: [String]
        public var rows: [[String]]
        public init(caption: String, header: [String], rows: [[String]]) {
            self.caption = caption
            self.header = header
            self.rows = rows
        }
    }

    public enum Block: Sendable {
        case figure(Figure), table(Table), paragraph(String)
    }

    public var title: String
    public var introduction: String
    public private(set) var sections: [(heading: String, blocks: [Block])] = []

    public init(title: String, introduction: String) {
        self.title = title
        self.introduction = introduction
    }

    /// Adds a section (skipped when it has nothing in it).
    public mutating func section(_ heading: String, _ blocks: [Block]) {
        if !blocks.isEmpty { sections.append((heading, blocks)) }
    }

    /// Every figure in page order.
    public var figures: [Figure] {
        sections.flatMap { $0.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } } }
    }

    /// Writes `index.html` and `figures/NAME.svg` into `directory`; returns the page's URL.
    @discardableResult
    public func write(to directory: URL) throws -> URL {
        let figureDirectory = directory.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figureDirectory, withIntermediateDirectories: true)
        var names = Set<String>()
        for figure in figures {
            precondition(names.insert(figure.name).inserted, "two figures are named \(figure.name)")
            try figure.svg.write(to: figureDirectory.appendingPathComponent(figure.name + ".svg"), atomically: true, encoding: .utf8)
        }
        let page = directory.appendingPathComponent("index.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        return page
    }

    /// A table cell; numbers (and intervals) are right-aligned so their digits line up.
    private func cell(_ text: String) -> String {
        let numeric = text.first.map { $0.isNumber || $0 == "-" || $0 == "–" } ?? false
        return numeric ? "<td class=\"n\">\(SVG.escape(text))</td>" : "<td>\(SVG.escape(text))</td>"
    }

    /// The page's HTML.
    public var html: String {
        var body = "<h1>\(SVG.escape(title))</h1>\n<p class=\"intro\">\(SVG.escape(introduction))</p>\n"
        if sections.count > 1 {
            body += "<nav>" + sections.enumerated().map { "<a href=\"#s\($0.offset)\">\(SVG.escape($0.element.heading))</a>" }
                .joined(separator: " · ") + "</nav>\n"
        }
        for (index, section) in sections.enumerated() {
            body += "<section id=\"s\(index)\">\n<h2>\(SVG.escape(section.heading))</h2>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text): body += "<p>\(SVG.escape(text))</p>\n"
                case .figure(let figure):
                    body += "<figure><img src=\"figures/\(figure.name).svg\" alt=\"\(SVG.escape(figure.caption))\">"
                        + "<figcaption>\(SVG.escape(figure.caption))</figcaption></figure>\n"
                case .table(let table):
                    body += "<table><caption>\(SVG.escape(table.caption))</caption>\n<thead><tr>"
                        + table.header.map { "<th>\(SVG.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                    for row in table.rows { body += "<tr>" + row.map(cell).joined() + "</tr>\n" }
                    body += "</tbody></table>\n"
                }
            }
            body += "</section>\n"
        }
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(SVG.escape(title))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 24px auto; padding: 0 16px; color: #222; }
        h1 { font-size: 24px; } h2 { font-size: 19px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 36px; }
        .intro { color: #444; } nav { margin: 8px 0 16px; font-size: 14px; }
        figure { display: inline-block; margin: 8px 12px 16px 0; vertical-align: top; max-width: 100%; }
        figure img { max-width: 100%; border: 1px solid #eee; }
        figcaption { font-size: 13px; color: #444; max-width: 640px; margin-top: 4px; }
        table { border-collapse: collapse; margin: 12px 0 20px; font-size: 13px; }
        caption { text-align: left; font-size: 13px; color: #444; padding-bottom: 6px; caption-side: top; max-width: 900px; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
        th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fafafa; }
        </style>
        </head>
        <body data-report-status="loading">
        \(body)<script>
        // Marks the page for automated checks: every figure loaded, no script errors.
        var errors = [];
        // Script errors only; a figure that fails to load is found by the image check below.
        window.addEventListener('error', function (e) { if (e instanceof ErrorEvent) { errors.push('script error: ' + e.message); } }, true);
        window.addEventListener('load', function () {
          var broken = [];
          document.querySelectorAll('img').forEach(function (img) {
            if (!img.complete || img.naturalWidth === 0) { broken.push(img.getAttribute('src')); }
          });
          document.body.setAttribute('data-figures', String(document.images.length));
          document.body.setAttribute('data-report-status', broken.length || errors.length ? 'broken: ' + broken.concat(errors).join(' ') : 'ok');
        });
        </script>
        </body>
        </html>

        """
    }
}
