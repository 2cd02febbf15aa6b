import DMSProto
import Foundation
import NIOCore
import SwiftProtobuf

/// The protobuf encoding of `Dms_V1_Frame`, the envelope of every call, written out by hand.
///
/// Every call crosses it twice on each side (a REQUEST in, an END out), and SwiftProtobuf's
/// generic path cost about a fifth of dmsd's CPU per call (its map decoding alone a tenth). The
/// codec handles the frames DMS itself sends: the seven known fields, each with its own wire type,
/// and no unknown fields. Anything else (an unknown field, a wire type that does not match, a
/// `status` that appears twice, a varint or enum out of range, text that is not UTF-8) goes to
/// SwiftProtobuf, so the result is always what SwiftProtobuf decides; `FrameCodecTests` holds the
/// two to that on random and mutated frames.
public enum FrameCodec {
    // MARK: Decoding

    /// Decodes one frame body (without its length prefix).
    ///
    /// - Throws: ``FrameError`` `.malformedFrame` when the bytes are not a `Frame`.
    public static func decode(_ body: UnsafeRawBufferPointer) throws(FrameError) -> Dms_V1_Frame {
        var memo = FrameMemo()
        return try decode(body, memo: &memo, remember: false)
    }

    /// Decodes one frame body of a stream whose previous frame is in `memo`, reusing its method
    /// name and metadata when this frame carries the same bytes, and keeping this frame's.
    ///
    /// - Throws: ``FrameError`` `.malformedFrame` when the bytes are not a `Frame`.
    public static func decode(_ body: UnsafeRawBufferPointer, memo: inout FrameMemo) throws(FrameError) -> Dms_V1_Frame {
        try decode(body, memo: &memo, remember: true)
    }

    private static func decode(_ body: UnsafeRawBufferPointer, memo: inout FrameMemo, remember: Bool) throws(FrameError) -> Dms_V1_Frame {
        guard let base = body.baseAddress, !body.isEmpty else { return Dms_V1_Frame() }
        if let frame = decodeKnownShape(body, memo: &memo, remember: remember) { return frame }
        do {
            // Parse straight from the caller's storage: no copy of the body before decoding.
            return try Dms_V1_Frame(serializedBytes: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: body.count, deallocator: .none))
        } catch {
            throw FrameError(.malformedFrame)
        }
    }

    /// The frame in `body` when it has a shape the hand-written decoder knows, nil otherwise
    /// (the caller then asks SwiftProtobuf, which also decides whether it is malformed).
    static func decodeKnownShape(_ body: UnsafeRawBufferPointer) -> Dms_V1_Frame? {
        var memo = FrameMemo()
        return decodeKnownShape(body, memo: &memo, remember: false)
    }

    /// ``decodeKnownShape(_:)``, reusing and keeping method and metadata in `memo` when
    /// `remember` is set. The memo maps bytes to what they decode to and nothing else, so what it
    /// holds is right whatever the rest of a frame turns out to be.
    static func decodeKnownShape(_ body: UnsafeRawBufferPointer, memo: inout FrameMemo, remember: Bool) -> Dms_V1_Frame? {
        var reader = WireReader(body)
        var frame = Dms_V1_Frame()
        // Room for the usual entries (authorization, namespace, client) without growing.
        var metadata = [String: String]()
        // With a memo: where the metadata entries are (one run of them, as encoders write them).
        var entriesStart = -1
        var entriesEnd = -1
        var entriesContiguous = true
        var sawStatus = false
        while !reader.isAtEnd {
            let fieldStart = reader.offset
            guard let key = reader.varint() else { return nil }
            switch key {
            case 1 << 3 | WireType.varint:
                guard let value = reader.varint(), value <= UInt64(Int32.max), let type = Dms_V1_Frame.TypeEnum(rawValue: Int(value)) else { return nil }
                frame.type = type
            case 2 << 3 | WireType.varint:
                guard let value = reader.varint() else { return nil }
                frame.callID = value
            case 3 << 3 | WireType.lengthDelimited:
                guard let raw = reader.lengthDelimited() else { return nil }
                if remember, Self.sameBytes(raw, memo.methodBytes) {
                    frame.method = memo.method
                } else {
                    guard let method = WireReader.string(raw) else { return nil }
                    frame.method = method
                    if remember { (memo.methodBytes, memo.method) = (Array(raw), method) }
                }
            case 4 << 3 | WireType.lengthDelimited:
                guard let entry = reader.lengthDelimited() else { return nil }
                if remember {
                    if entriesStart < 0 {
                        entriesStart = fieldStart
                    } else if entriesEnd != fieldStart {
                        entriesContiguous = false
                    }
                    entriesEnd = reader.offset
                } else {
                    guard let (name, value) = decodeStringPair(entry) else { return nil }
                    if metadata.isEmpty { metadata.reserveCapacity(4) }
                    metadata[name] = value
                }
            case 5 << 3 | WireType.varint:
                guard let value = reader.varint() else { return nil }
                frame.timeoutMs = value
            case 6 << 3 | WireType.lengthDelimited:
                guard let payload = reader.lengthDelimited() else { return nil }
                frame.payload = Data(payload)
            case 7 << 3 | WireType.lengthDelimited:
                // A second occurrence would have to be merged into the first: SwiftProtobuf's job.
                guard !sawStatus, let bytes = reader.lengthDelimited(), let status = decodeStatus(bytes) else { return nil }
                sawStatus = true
                frame.status = status
            default:
                return nil
            }
        }
        if entriesStart >= 0 {
            // Entries split by other fields: decoded one by one, as without a memo.
            guard entriesContiguous else { return decodeKnownShape(body) }
            let entries = UnsafeRawBufferPointer(rebasing: body[entriesStart..<entriesEnd])
            if Self.sameBytes(entries, memo.metadataBytes) {
                metadata = memo.metadata
            } else {
                var entryReader = WireReader(entries)
                metadata.reserveCapacity(4)
                while !entryReader.isAtEnd {
                    guard entryReader.varint() != nil, let entry = entryReader.lengthDelimited(), let (name, value) = decodeStringPair(entry) else { return nil }
                    metadata[name] = value
                }
                (memo.metadataBytes, memo.metadata) = (Array(entries), metadata)
            }
        }
        if !metadata.isEmpty { frame.metadata = metadata }
        return frame
    }

    /// Whether `bytes` holds exactly `remembered` (one `memcmp`, not a loop over elements).
    private static func sameBytes(_ bytes: UnsafeRawBufferPointer, _ remembered: [UInt8]) -> Bool {
        guard bytes.count == remembered.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return remembered.withUnsafeBytes { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
    }

    /// A message of two string fields, 1 and 2: a metadata entry (key, value) or a field
    /// violation (field, description). Either may be absent (empty).
    private static func decodeStringPair(_ bytes: UnsafeRawBufferPointer) -> (String, String)? {
        var reader = WireReader(bytes)
        var first = ""
        var second = ""
        while !reader.isAtEnd {
            guard let key = reader.varint() else { return nil }
            switch key {
            case 1 << 3 | WireType.lengthDelimited:
                guard let text = reader.string() else { return nil }
                first = text
            case 2 << 3 | WireType.lengthDelimited:
                guard let text = reader.string() else { return nil }
                second = text
            default:
                return nil
            }
        }
        return (first, second)
    }

    private static func decodeStatus(_ bytes: UnsafeRawBufferPointer) -> Dms_V1_Status? {
        var reader = WireReader(bytes)
        var status = Dms_V1_Status()
        while !reader.isAtEnd {
            guard let key = reader.varint() else { return nil }
            switch key {
            case 1 << 3 | WireType.varint:
                guard let value = reader.varint(), value <= UInt64(Int32.max), let code = Dms_V1_Status.Code(rawValue: Int(value)) else { return nil }
                status.code = code
            case 2 << 3 | WireType.lengthDelimited:
                guard let message = reader.string() else { return nil }
                status.message = message
            case 3 << 3 | WireType.lengthDelimited:
                guard let bytes = reader.lengthDelimited(), let (field, description) = decodeStringPair(bytes) else { return nil }
                var violation = Dms_V1_FieldViolation()
                violation.field = field
                violation.description_p = description
                status.violations.append(violation)
            default:
                return nil
            }
        }
        return status
    }

    // MARK: Encoding

    /// Appends `frame` to `out`: its 4-byte big-endian length, then its protobuf encoding.
    ///
    /// - Throws: when the frame cannot be encoded (only SwiftProtobuf's path, taken for frames
    ///   carrying unknown fields, can fail).
    public static func encode(_ frame: Dms_V1_Frame, into out: inout ByteBuffer) throws {
        guard hasKnownShape(frame) else {
            let body: [UInt8] = try frame.serializedBytes()
            out.reserveCapacity(minimumWritableBytes: 4 + body.count)
            out.writeInteger(UInt32(body.count))
            out.writeBytes(body)
            return
        }
        encodeKnownShape(frame, header: nil, into: &out)
    }

    /// ``encode(_:into:)`` for a stream whose previous frame's method name and metadata are in
    /// `memo`: when this frame has the same (a client's calls mostly do, with the very same
    /// dictionary), their bytes are copied from the memo instead of being written again.
    public static func encode(_ frame: Dms_V1_Frame, into out: inout ByteBuffer, memo: inout FrameEncodeMemo) throws {
        guard hasKnownShape(frame), !frame.method.isEmpty || !frame.metadata.isEmpty else {
            try encode(frame, into: &out)
            return
        }
        // Equal dictionaries that share storage compare in constant time.
        if !memo.isFilled || frame.method != memo.method || frame.metadata != memo.metadata {
            let size = WireWriter.size { $0.writeCallHeader(frame) }
            memo.header = [UInt8](unsafeUninitializedCapacity: size) { bytes, count in
                var writer = WireWriter(UnsafeMutableRawBufferPointer(bytes))
                writer.writeCallHeader(frame)
                count = writer.count
            }
            (memo.method, memo.metadata, memo.isFilled) = (frame.method, frame.metadata, true)
        }
        memo.header.withUnsafeBytes { encodeKnownShape(frame, header: $0, into: &out) }
    }

    /// Writes `frame` (of a known shape) with its prefix; `header`, when given, holds its method
    /// and metadata fields already written.
    private static func encodeKnownShape(_ frame: Dms_V1_Frame, header: UnsafeRawBufferPointer?, into out: inout ByteBuffer) {
        let size = WireWriter.size { $0.write(frame, header: header) }
        out.reserveCapacity(minimumWritableBytes: 4 + size)
        out.writeInteger(UInt32(size))
        let written = out.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = WireWriter(raw)
            writer.write(frame, header: header)
            return writer.count
        }
        assert(written == size, "FrameCodec: the counting run and the writing run disagree")
    }

    /// Whether `frame` has nothing the hand-written encoder leaves out (unknown fields).
    /// Enum values past Int32 are SwiftProtobuf's to truncate.
    private static func hasKnownShape(_ frame: Dms_V1_Frame) -> Bool {
        guard frame.unknownFields.data.isEmpty, Int32(exactly: frame.type.rawValue) != nil else { return false }
        guard frame.hasStatus else { return true }
        let status = frame.status
        return status.unknownFields.data.isEmpty && Int32(exactly: status.code.rawValue) != nil
            && status.violations.allSatisfy { $0.unknownFields.data.isEmpty }
    }

    static func varintSize(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 bits; 0 takes one byte.
        (70 - (value | 1).leadingZeroBitCount) / 7
    }
}

/// Protobuf wire types, as the low three bits of a field key.
enum WireType {
    static let varint: UInt64 = 0
    static let lengthDelimited: UInt64 = 2
}

/// Reads protobuf wire values off a byte range; every read returns nil rather than run past the end.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// How many bytes have been read.
    var offset: Int { index }

    /// A base-128 varint of at most 10 bytes whose value fits 64 bits.
    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// The bytes of a length-delimited value.
    mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
        let start = index
        index += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }

    /// A length-delimited value that is valid UTF-8, as a String.
    mutating func string() -> String? {
        guard let raw = lengthDelimited() else { return nil }
        return Self.string(raw)
    }

    /// `raw` as a String when it is valid UTF-8.
    static func string(_ raw: UnsafeRawBufferPointer) -> String? {
        let utf8 = raw.assumingMemoryBound(to: UInt8.self)
        // ASCII (all of DMS's own metadata and method names) needs no validation: the decoding
        // initializer is then exact, and much faster than the validating one.
        var high: UInt8 = 0
        for byte in utf8 { high |= byte }
        if high < 0x80 { return String(decoding: utf8, as: UTF8.self) }
        return String(validating: utf8, as: UTF8.self)
    }
}

/// Writes protobuf wire values, or only counts them: the same code sizes a frame (a counting
/// run, with no memory) and then writes it into memory of that size, so the two cannot disagree.
struct WireWriter {
    /// Where the bytes go; nil in a counting run.
    private let bytes: UnsafeMutableRawBufferPointer?
    /// Bytes written (or counted) so far.
    private(set) var count = 0

    /// A writer into `bytes`, which must hold what it is asked to write.
    init(_ bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    private init() {
        bytes = nil
    }

    /// How many bytes `body` writes.
    static func size(_ body: (inout WireWriter) -> Void) -> Int {
        var counter = WireWriter()
        body(&counter)
        return counter.count
    }

    /// The fields of `frame` in field-number order, defaults left out (as proto3 does), the status
    /// written when present even if empty (an END OK carries one).
    /// `header`, when given, holds fields 3 and 4 as ``writeCallHeader(_:)`` writes them.
    mutating func write(_ frame: Dms_V1_Frame, header: UnsafeRawBufferPointer? = nil) {
        if frame.type.rawValue != 0 { writeVarintField(1, UInt64(bitPattern: Int64(frame.type.rawValue))) }
        if frame.callID != 0 { writeVarintField(2, frame.callID) }
        if let header {
            writeBytes(header)
        } else {
            writeCallHeader(frame)
        }
        if frame.timeoutMs != 0 { writeVarintField(5, frame.timeoutMs) }
        if !frame.payload.isEmpty {
            writeVarint(6 << 3 | WireType.lengthDelimited)
            writeVarint(UInt64(frame.payload.count))
            frame.payload.withUnsafeBytes { writeBytes($0) }
        }
        if frame.hasStatus {
            let status = frame.status
            writeMessageField(7) { writer in
                if status.code.rawValue != 0 { writer.writeVarintField(1, UInt64(bitPattern: Int64(status.code.rawValue))) }
                if !status.message.isEmpty { writer.writeStringField(2, status.message) }
                for violation in status.violations {
                    writer.writeMessageField(3) {
                        if !violation.field.isEmpty { $0.writeStringField(1, violation.field) }
                        if !violation.description_p.isEmpty { $0.writeStringField(2, violation.description_p) }
                    }
                }
            }
        }
    }

    /// The method name and metadata fields (3 and 4) of `frame`.
    mutating func writeCallHeader(_ frame: Dms_V1_Frame) {
        if !frame.method.isEmpty { writeStringField(3, frame.method) }
        for (name, value) in frame.metadata {
            // Both fields of a map entry are written even when empty, as SwiftProtobuf does.
            writeMessageField(4) {
                $0.writeStringField(1, name, always: true)
                $0.writeStringField(2, value, always: true)
            }
        }
    }

    /// A length-delimited field holding the message `body` writes.
    private mutating func writeMessageField(_ field: UInt64, _ body: (inout WireWriter) -> Void) {
        writeVarint(field << 3 | WireType.lengthDelimited)
        writeVarint(UInt64(Self.size(body)))
        body(&self)
    }

    private mutating func writeVarint(_ value: UInt64) {
        guard let bytes else {
            count += FrameCodec.varintSize(value)
            return
        }
        var value = value
        while value >= 0x80 {
            bytes[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        bytes[count] = UInt8(value)
        count += 1
    }

    private mutating func writeBytes(_ source: UnsafeRawBufferPointer) {
        if let bytes, let base = source.baseAddress, !source.isEmpty {
            precondition(source.count <= bytes.count - count)
            (bytes.baseAddress! + count).copyMemory(from: base, byteCount: source.count)
        }
        count += source.count
    }

    private mutating func writeVarintField(_ field: UInt64, _ value: UInt64) {
        writeVarint(field << 3 | WireType.varint)
        writeVarint(value)
    }

    /// A string field; `always` writes it even when empty.
    private mutating func writeStringField(_ field: UInt64, _ text: String, always: Bool = false) {
        if text.isEmpty && !always { return }
        writeVarint(field << 3 | WireType.lengthDelimited)
        var text = text
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            writeBytes(UnsafeRawBufferPointer(utf8))
        }
    }
}

/// What the previous frame of a stream carried, reused when the next frame carries the same
/// bytes: a busy client sends the same method name and metadata (its token, namespace and name)
/// call after call, and comparing a few dozen bytes costs far less than new strings and a new
/// dictionary. One per stream (a connection's reader), used by ``FrameCodec/decode(_:memo:)``.
public struct FrameMemo: Sendable {
    fileprivate var methodBytes: [UInt8] = []
    fileprivate var method = ""
    /// The metadata entries as encoded (their keys and lengths included), and what they decode to.
    fileprivate var metadataBytes: [UInt8] = []
    fileprivate var metadata: [String: String] = [:]

    /// An empty memo.
    public init() {}
}

/// The method name and metadata of the previous frame a stream wrote, with their encoded bytes,
/// reused by ``FrameCodec/encode(_:into:memo:)`` when the next frame has the same. One per
/// stream (a connection's writer).
public struct FrameEncodeMemo: Sendable {
    fileprivate var isFilled = false
    fileprivate var method = ""
    fileprivate var metadata: [String: String] = [:]
    fileprivate var header: [UInt8] = []

    /// An empty memo.
    public init() {}
}
