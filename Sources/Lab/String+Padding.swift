extension String {
    /// The string followed by spaces up to `width` characters and by at least `minimumGap`
    /// spaces in all; never cut. A gap of 1 keeps a too-long cell of a text table from
    /// running into the next column.
    ///
    ///     "elo".padded(to: 6)                      // "elo   "
    ///     "tic-tac-toe".padded(to: 6)              // "tic-tac-toe"
    ///     "tic-tac-toe".padded(to: 6, minimumGap: 1)  // "tic-tac-toe "
    public func padded(to width: Int, minimumGap: Int = 0) -> String {
        let length = count
        return self + String(repeating: " ", count: max(width, length + minimumGap) - length)
    }
}
