// The binary form of a ParameterStore: what a checkpoint stores for the network.
//
//     magic "MGLPARAM" | version u32 | tensor count u32
//     per tensor: name length u32, name UTF-8, rank u32, dims i64 x rank, decays u8
//     buffer count u32 | per buffer: kind u8, element count i64, Float32 x count
//     checksum u64: FNV-1a (64-bit) of every byte before it
//
// All integers and floats little-endian. Gradients are not stored: a training
// step starts by zeroing them. A weights-only file (for playing: a third of the full form) holds just the parameters buffer; restoring it zeroes the moments. Restoring validates everything (magic, version,
// checksum, and that the layout has the same names and shapes) before it
// changes a single value, so a damaged or mismatched file leaves the store as it was.

extension ParameterStore {
    /// The 8 bytes every serialized store starts with.
    public static let magic: [UInt8] = Array("MGLPARAM".utf8)
    /// The format version this code writes and reads.
    public static let formatVersion: UInt32 = 1
    /// The buffers a serialized store holds.
    public static let serializedBuffers: [Buffer] = [.parameters, .firstMoment, .secondMoment]

    /// The store's layout, parameters and (unless `weightsOnly`) Adam moments as bytes.
    public func serialized(weightsOnly: Bool = false) -> [UInt8] {
        let buffers = weightsOnly ? [Buffer.parameters] : Self.serializedBuffers
        var out = ByteWriter()
        out.bytes(Self.magic)
        out.u32(Self.formatVersion)
        out.u32(UInt32(views.count))
        for view in views {
            let name = Array(view.name.utf8)
            out.u32(UInt32(name.count))
            out.bytes(name)
            out.u32(UInt32(view.shape.count))
            for d in view.shape { out.u64(UInt64(d)) }
            out.bytes([view.decays ? 1 : 0])
        }
        out.u32(UInt32(buffers.count))
        for (index, buffer) in buffers.enumerated() {
            out.bytes([UInt8(index)])
            out.u64(UInt64(count))
            let p = pointer(buffer)
            for i in 0..<count { out.u32(p[i].bitPattern) }
        }
        out.u64(fnv1a64(out.data))
        return out.data
    }

    /// Overwrites parameters and Adam moments from `bytes` made by `serialized(weightsOnly:)`
    /// for a model of the same layout; throws (and changes nothing) otherwise.
    public func restore(serialized bytes: [UInt8]) throws(ParameterStoreError) {
        guard bytes.count >= Self.magic.count + 8 else { throw .truncated }
        guard Array(bytes[0..<Self.magic.count]) == Self.magic else { throw .notAParameterFile }
        let body = bytes[0..<(bytes.count - 8)]
        var tail = ByteReader(bytes[(bytes.count - 8)...])
        guard let stored = tail.u64(), stored == fnv1a64(body) else { throw .checksumMismatch }
        var reader = ByteReader(body)
        _ = reader.take(Self.magic.count)
        guard let version = reader.u32() else { throw .truncated }
        guard version == Self.formatVersion else { throw .unsupportedVersion(found: version, supported: Self.formatVersion) }
        guard let tensorCount = reader.u32() else { throw .truncated }
        guard Int(tensorCount) == views.count else {
            throw .layoutMismatch("the file has \(tensorCount) tensors, this model \(views.count)")
        }
        for view in views {
            guard let nameLength = reader.u32(), let nameBytes = reader.take(Int(nameLength)),
                  let rank = reader.u32() else { throw .truncated }
            let name = String(decoding: nameBytes, as: UTF8.self)
            var shape: [Int] = []
            for _ in 0..<rank {
                guard let d = reader.u64() else { throw .truncated }
                shape.append(Int(clamping: d))   // a damaged huge value must not trap: it just fails to match
            }
            guard let decaysByte = reader.take(1) else { throw .truncated }
            let decays = decaysByte[decaysByte.startIndex] == 1
            guard name == view.name, shape == view.shape, decays == view.decays else {
                throw .layoutMismatch("the file has \(name) \(shape) where this model has \(view.name) \(view.shape)")
            }
        }
        guard let bufferCount = reader.u32() else { throw .truncated }
        guard bufferCount == 1 || Int(bufferCount) == Self.serializedBuffers.count else {
            throw .layoutMismatch("the file has \(bufferCount) buffers, this format 1 (weights only) or \(Self.serializedBuffers.count)")
        }
        let buffers = Array(Self.serializedBuffers.prefix(Int(bufferCount)))
        var starts: [Int] = []
        for index in buffers.indices {
            guard let kind = reader.take(1), let elementCount = reader.u64() else { throw .truncated }
            guard kind[kind.startIndex] == UInt8(index) else {
                throw .layoutMismatch("buffer \(index) is marked as buffer \(kind[kind.startIndex])")
            }
            guard elementCount == UInt64(count) else {
                throw .sizeMismatch(expected: count, found: Int(clamping: elementCount))
            }
            starts.append(reader.position)
            guard reader.take(4 * count) != nil else { throw .truncated }
        }
        guard reader.position == body.endIndex else {
            throw .layoutMismatch("\(body.endIndex - reader.position) unexpected bytes after the last buffer")
        }
        // Everything checked: now copy (a weights-only file leaves the moments at zero).
        if buffers.count == 1 {
            for buffer in Self.serializedBuffers.dropFirst() { pointer(buffer).update(repeating: 0, count: count) }
        }
        for (buffer, start) in zip(buffers, starts) {
            let p = pointer(buffer)
            for i in 0..<count {
                let o = start + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                p[i] = Float(bitPattern: bits)
            }
        }
    }
}

/// FNV-1a, 64-bit (Fowler, Noll, Vo): offset basis 0xcbf29ce484222325, prime 0x100000001b3.
public func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}

/// Appends little-endian values to a byte array.
public struct ByteWriter {
    public var data: [UInt8]
    public init(data: [UInt8] = []) { self.data = data }
    public mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
    public mutating func u32(_ v: UInt32) { for k in 0..<4 { data.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    public mutating func u64(_ v: UInt64) { for k in 0..<8 { data.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
}

/// Reads little-endian values from bytes; every read returns nil past the end.
public struct ByteReader {
    public let bytes: ArraySlice<UInt8>
    /// Absolute index (in the underlying array) of the next byte.
    public var position: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    public mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, position + n <= bytes.endIndex else { return nil }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    public mutating func u32() -> UInt32? {
        guard let b = take(4) else { return nil }
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func u64() -> UInt64? {
        guard let b = take(8) else { return nil }
        return b.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
