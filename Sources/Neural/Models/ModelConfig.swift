/// The model families the lab compares.
public enum Architecture: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per-position token embeddings summed, then `depth` ReLU layers of `width` units.
    case mlp
    /// The MLP plus a convolutional path: 3x3 convolutions over the character grid
    /// (`LocalPatterns`), mean- and max-pooled, added to the MLP's first layer. Needs
    /// `gridColumns`.
    case conv
    /// A pre-LayerNorm Transformer encoder of `depth` blocks, mean-pooled.
    case transformer
}

/// Everything that fixes a network's shape. Derived sizes are computed, not stored.
public struct ModelConfig: Sendable, Hashable, Codable {
    /// Which family.
    public var architecture: Architecture
    /// Hidden width (MLP units per layer; Transformer d_model).
    public var width: Int
    /// Number of hidden layers (MLP) or encoder blocks (Transformer).
    public var depth: Int
    /// Attention heads (Transformer only); must divide `width`.
    public var heads: Int
    /// Width of a Transformer block's feed-forward layer as a multiple of `width`.
    public var feedForwardMultiple: Int
    /// Number of distinct token ids.
    public var vocabularySize: Int
    /// Longest token sequence the model reads (MLP: fixes the embedding table; Transformer: positions).
    public var maxLength: Int
    /// If set, the MLP reads this many dense features instead of tokens (benchmarks only).
    public var denseFeatures: Int?
    /// Number of logits of the fixed policy head.
    public var actionCount: Int
    /// MLP and conv: the width of the token embedding placed at each position before the first
    /// layer (nil: `defaultTokenEmbeddingWidth`).
    public var tokenEmbeddingWidth: Int?
    /// Columns of the 2-D grid that position ids lay out (`position = line * gridColumns +
    /// column`); the conv family's convolutions need it to find a cell's neighbours.
    public var gridColumns: Int?
    /// The conv family's 3x3 convolution layers (nil: `defaultConvolutionLayers`). With L
    /// layers each pooled feature sees a (2L + 1) x (2L + 1) window.
    public var convolutionLayers: Int?
    public static let defaultConvolutionLayers = 2
    /// The conv family's layer count in use.
    public var convolutionDepth: Int { convolutionLayers ?? Self.defaultConvolutionLayers }
    /// MLP and conv: scale every hidden layer's units by a gate computed from the
    /// observation's first line, the game's id (`GameGate`). Optional so that configs
    /// written before it existed decode; nil and false both mean no gate.
    public var gameGate: Bool?
    /// Whether the network has a `GameGate`.
    public var hasGameGate: Bool { gameGate ?? false }
    /// MLP and conv: the number of `Glimpses` heads (each finds a character on the grid and
    /// reads its place and 3x3 window into the first layer). Needs `gridColumns`. nil and
    /// 0 both mean none, so configs written before it existed decode unchanged.
    public var glimpses: Int?
    /// The glimpse heads in use (0: none).
    public var glimpseCount: Int { glimpses ?? 0 }
    /// Each glimpse's window reaches this many cells from its character's cell: a
    /// (2r + 1) x (2r + 1) window (nil: 1, a 3x3 window).
    public var glimpseRadius: Int?
    /// The window radius in use.
    public var glimpseWindowRadius: Int { glimpseRadius ?? 1 }
    /// Cells in a glimpse's window, W = (2r + 1)^2.
    public var glimpseWindowCells: Int { (2 * glimpseWindowRadius + 1) * (2 * glimpseWindowRadius + 1) }
    /// D'', the width of the glimpses' own character embedding: min(8, the token embedding
    /// width), as eight numbers tell a grid's few symbols apart.
    public var glimpseEmbeddingWidth: Int { min(8, embeddingWidth) }
    /// Features each glimpse head adds to the first layer: its place (2) and its window (W D'').
    public var glimpseFeaturesPerHead: Int { 2 + glimpseWindowCells * glimpseEmbeddingWidth }

    /// The MLP's token embedding width when none is given: width / 8, kept within 4...16,
    /// so the input layer (maxLength x this x width) stays small at every width.
    public var embeddingWidth: Int { tokenEmbeddingWidth ?? min(16, max(4, width / 8)) }

    public init(architecture: Architecture, width: Int, depth: Int, heads: Int = 4, feedForwardMultiple: Int = 4,
                vocabularySize: Int, maxLength: Int, denseFeatures: Int? = nil, actionCount: Int, gridColumns: Int? = nil) {
        self.architecture = architecture
        self.width = width
        self.depth = depth
        self.heads = heads
        self.feedForwardMultiple = feedForwardMultiple
        self.vocabularySize = vocabularySize
        self.maxLength = maxLength
        self.denseFeatures = denseFeatures
        self.actionCount = actionCount
        self.gridColumns = gridColumns
    }

    /// Why this config cannot be built, or nil if it can.
    public var problem: String? {
        if width < 1 { return "width must be at least 1 (got \(width))" }
        if depth < 1 { return "depth must be at least 1 (got \(depth))" }
        if vocabularySize < 1 { return "vocabulary size must be at least 1 (got \(vocabularySize))" }
        if maxLength < 1 { return "max length must be at least 1 (got \(maxLength))" }
        if actionCount < 1 { return "action count must be at least 1 (got \(actionCount))" }
        if embeddingWidth < 1 { return "token embedding width must be at least 1 (got \(embeddingWidth))" }
        if architecture == .conv {
            guard let columns = gridColumns, columns >= 1, maxLength % columns == 0 else {
                return "the conv family needs grid columns that divide max length \(maxLength) (got \(gridColumns.map(String.init) ?? "none"))"
            }
            if denseFeatures != nil { return "the conv family reads tokens, not dense features" }
            if convolutionDepth < 1 { return "the conv family needs at least 1 convolution layer (got \(convolutionDepth))" }
        }
        if hasGameGate && (architecture == .transformer || denseFeatures != nil) {
            return "the game gate belongs to the mlp and conv families reading tokens (got \(architecture.rawValue)\(denseFeatures != nil ? " on dense features" : ""))"
        }
        if glimpseCount < 0 { return "glimpses must be 0 or more (got \(glimpseCount))" }
        if !(1...3).contains(glimpseWindowRadius) { return "the glimpse radius must be 1 to 3 (got \(glimpseWindowRadius))" }
        if glimpseCount > 0 {
            if architecture == .transformer || denseFeatures != nil {
                return "glimpses belong to the mlp and conv families reading tokens (got \(architecture.rawValue)\(denseFeatures != nil ? " on dense features" : ""))"
            }
            guard let columns = gridColumns, columns >= 1, maxLength % columns == 0 else {
                return "glimpses need grid columns that divide max length \(maxLength) (got \(gridColumns.map(String.init) ?? "none"))"
            }
        }
        if architecture == .transformer {
            if heads < 1 || width % heads != 0 { return "heads (\(heads)) must divide width (\(width))" }
            if denseFeatures != nil { return "the transformer reads tokens, not dense features" }
            if feedForwardMultiple < 1 { return "feed-forward multiple must be at least 1" }
        }
        return nil
    }
}
