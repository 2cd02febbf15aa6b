import DMSProto
import DMSWire
import Foundation
import NIOCore
import SwiftProtobuf
import Testing

/// PROTOCOL.md's examples, read from the document itself: every annotated hex example decodes to
/// the frame the document says it is, and that frame encodes to the document's bytes, byte for
/// byte. When the document and the code disagree (or an example can no longer be read), a test
/// here fails.
@Suite struct ProtocolDocumentTests {
    /// PROTOCOL.md, found from this file: Tests/DMSWireTests/ → the package root.
    static let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("PROTOCOL.md"), encoding: .utf8)) ?? ""
    }()

    // MARK: §3.3 — the annotated Health call

    @Test func healthRequestDumpIsTheDocumentedRequestFrameByteForByte() throws {
        let section = try ProtocolDocument.section("### 3.3", of: Self.document)
        let (request, _) = try ProtocolDocument.textFormatColumns(in: section)
        let expected = try Dms_V1_Frame(textFormatString: request)
        let dump = try #require(ProtocolDocument.dumps(in: section).first, "no REQUEST dump in §3.3")
        #expect(dump.bytes.count == (try ProtocolDocument.statedWireSize(of: "REQUEST", in: section)))
        try expectRoundTrip(dump.bytes, expected)
        #expect(expected.type == .request && expected.payload.isEmpty && expected.timeoutMs == 0, "as the text says")
        try ProtocolDocument.checkAnnotations(dump)
    }

    @Test func healthEndDumpIsTheDocumentedReplyWithTheDocumentedHealthResponse() throws {
        let section = try ProtocolDocument.section("### 3.3", of: Self.document)
        let (_, health) = try ProtocolDocument.textFormatColumns(in: section)
        let response = try Dms_V1_HealthResponse(textFormatString: health)
        let payload: [UInt8] = try response.serializedBytes()

        // "# the reply: type: END, call_id: 1, payload: "<the 48 HealthResponse bytes>", status { code: OK }"
        let reply = try #require(section.split(separator: "\n").first { $0.hasPrefix("# the reply:") }, "no reply line in §3.3")
        let placeholder = try #require(reply.firstMatch(of: /payload: "<the (\d+) HealthResponse bytes>",\s*/), "\(reply)")
        #expect(Int(placeholder.1) == payload.count, "the reply line says \(placeholder.1) payload bytes")
        var expected = try Dms_V1_Frame(
            textFormatString: String(reply.dropFirst("# the reply:".count)).replacingOccurrences(of: String(placeholder.0), with: ""))
        expected.payload = Data(payload)
        #expect(expected.hasStatus && expected.status.code == .ok)

        let dumps = try ProtocolDocument.dumps(in: section)
        try #require(dumps.count == 2, "§3.3 has a REQUEST and an END dump, found \(dumps.count)")
        let dump = dumps[1]
        #expect(dump.bytes.count == (try ProtocolDocument.statedWireSize(of: "END", in: section)))
        try expectRoundTrip(dump.bytes, expected)
        let decoded = try #require(try Self.decode(dump.bytes))
        #expect(try Dms_V1_HealthResponse(serializedBytes: decoded.payload) == response)
        try ProtocolDocument.checkAnnotations(dump)
    }

    // MARK: §3.4 — short examples

    @Test func everyShortFrameExampleIsTheFrameItsLineDescribes() throws {
        let section = try ProtocolDocument.section("### 3.4", of: Self.document)
        let examples = try ProtocolDocument.shortExamples(in: section)
        #expect(examples.count >= 5, "§3.4's frame lines: \(examples.map(\.description))")
        for example in examples {
            let expected = try example.documentedFrame()
            try expectRoundTrip(example.bytes, expected, "\(example.description)")
            if let bracketed = example.bracketed {
                // Brackets mark the body of the embedded message: the payload, or else the status.
                let body: [UInt8] = expected.payload.isEmpty ? try expected.status.serializedBytes() : Array(expected.payload)
                #expect(body == bracketed, "\(example.description): the bracketed bytes are the embedded message")
            }
        }
    }

    @Test func watchHealthRequestPayloadIsTheDocumentedMessage() throws {
        let section = try ProtocolDocument.section("### 3.4", of: Self.document)
        let match = try #require(
            section.firstMatch(of: /`WatchHealthRequest\s*\{([^}]*)\}`\s*\(payload `([0-9a-f ]+)`\)/), "no WatchHealthRequest example in §3.4")
        let message = try Dms_V1_WatchHealthRequest(textFormatString: String(match.1))
        let bytes = hexBytes(String(match.2))
        #expect(try message.serializedBytes() == bytes)
        #expect(try Dms_V1_WatchHealthRequest(serializedBytes: bytes) == message)
    }

    @Test func connectionFramesAreAKeepAliveAndAGoAway() throws {
        let section = try ProtocolDocument.section("### 3.4", of: Self.document)
        let line = try #require(section.split(separator: "\n").first { $0.hasPrefix("Connection frames:") }, "no connection frames in §3.4")
        let examples = line.matches(of: /`([0-9a-f ]+)` ([A-Za-z-]+)/).map { (hexBytes(String($0.1)), String($0.2)) }
        #expect(examples.map(\.1) == ["keep-alive", "GOAWAY"])
        for (bytes, name) in examples {
            var input = ByteBuffer(bytes: bytes)
            let decoded = try FrameDecoder().decodeFrame(from: &input)
            #expect(input.readableBytes == 0, "\(name): every byte read")
            switch name {
            case "keep-alive":
                #expect(decoded == .some(nil), "a keep-alive decodes to no frame")
            default:
                #expect(decoded == .some(.goAway))
                #expect(Array(try encoded([.goAway]).readableBytesView) == bytes)
            }
        }
    }

    // MARK: The reader itself

    @Test func aDumpWhoseBytesDisagreeWithItsAnnotationsIsCaught() throws {
        let section = try ProtocolDocument.section("### 3.3", of: Self.document)
        let dump = try #require(ProtocolDocument.dumps(in: section).first)
        var damaged = dump
        damaged.bytes[0x0b] ^= 0x01  // inside "dms.v1.HealthService/Health", annotated as 64 6d .. 74 68
        #expect(throws: ProtocolDocument.Mismatch.self) { try ProtocolDocument.checkAnnotations(damaged) }
    }

    // MARK: Helpers

    /// The decoder turns `bytes` into `expected`, and the encoder turns `expected` into `bytes`.
    private func expectRoundTrip(
        _ bytes: [UInt8], _ expected: Dms_V1_Frame, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try Self.decode(bytes) == expected, comment, sourceLocation: sourceLocation)
        #expect(Array(try encoded([expected]).readableBytesView) == bytes, comment, sourceLocation: sourceLocation)
    }

    /// The one frame `bytes` hold (all of them), nil for a keep-alive.
    private static func decode(_ bytes: [UInt8]) throws -> Dms_V1_Frame? {
        var input = ByteBuffer(bytes: bytes)
        let decoded = try #require(try FrameDecoder().decodeFrame(from: &input), "the bytes end before the frame does")
        #expect(input.readableBytes == 0, "bytes left after the frame")
        return decoded
    }
}
