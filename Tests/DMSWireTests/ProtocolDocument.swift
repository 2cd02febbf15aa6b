import DMSProto
import Foundation
import SwiftProtobuf

/// Reads the examples out of PROTOCOL.md: its sections, fenced blocks, `xxd` dumps with their
/// offset/bytes/meaning tables, the protobuf text-format listings, and §3.4's one-line frames.
/// Whatever it cannot read is an ``Unreadable`` error, so a reworded example fails a test instead
/// of being skipped.
enum ProtocolDocument {
    /// Part of the document is not in the shape this reader knows.
    struct Unreadable: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A dump's bytes disagree with its own annotation table.
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The text from the line starting with `heading` to the next heading of level 2 or 3.
    static func section(_ heading: String, of document: String) throws -> String {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }) else {
            throw Unreadable("no section \"\(heading)\" in PROTOCOL.md")
        }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("## ") || $0.hasPrefix("### ") } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n")
    }

    /// The contents of every fenced (```) block in `text`, as lines.
    static func codeBlocks(in text: String) -> [[Substring]] {
        var blocks: [[Substring]] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block) }
                current = current == nil ? [] : nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The two side-by-side listings of §3.3 (`# request.txt` and `# health.txt`), as text formats.
    static func textFormatColumns(in section: String) throws -> (request: String, health: String) {
        guard let block = codeBlocks(in: section).first(where: { $0.first?.contains("# request.txt") == true }),
            let header = block.first, let column = header.range(of: "# health.txt")
        else { throw Unreadable("no request.txt / health.txt listing") }
        let width = header.distance(from: header.startIndex, to: column.lowerBound)
        var left: [String] = []
        var right: [String] = []
        for line in block.dropFirst() {
            left.append(String(line.prefix(width)).trimmingCharacters(in: .whitespaces))
            right.append(String(line.dropFirst(width)).trimmingCharacters(in: .whitespaces))
        }
        return (left.joined(separator: "\n"), right.joined(separator: "\n"))
    }

    /// The size a "**KIND** (N bytes on the wire)" sentence states.
    static func statedWireSize(of kind: String, in section: String) throws -> Int {
        let pattern = try Regex(#"\*\*"# + kind + #"\*\* \((\d+) bytes on the wire\)"#, as: (Substring, Substring).self)
        guard let match = section.firstMatch(of: pattern), let size = Int(match.1) else {
            throw Unreadable("no \"**\(kind)** (N bytes on the wire)\"")
        }
        return size
    }

    // MARK: Dumps

    /// One `xxd` dump and the rows of the table that explains it.
    struct Dump {
        var bytes: [UInt8]
        var annotations: [Annotation]
    }

    /// One row of an offset/bytes/meaning table: `0a-24   64 6d .. 74 68   "dms.v1…"`.
    struct Annotation {
        let first: Int
        let last: Int
        /// The bytes listed before `..` (all of them when nothing is elided).
        let head: [UInt8]
        /// The bytes listed after `..`.
        let tail: [UInt8]
        let isElided: Bool
        let line: String
    }

    /// Every fenced block of `section` that holds an `xxd` dump, in order.
    static func dumps(in section: String) throws -> [Dump] {
        var dumps: [Dump] = []
        for block in codeBlocks(in: section) {
            var bytes: [UInt8] = []
            var annotations: [Annotation] = []
            for line in block {
                if let row = line.wholeMatch(of: /([0-9a-f]{8}): (.*)/) {
                    guard Int(row.1, radix: 16) == bytes.count else { throw Unreadable("xxd line out of sequence: \(line)") }
                    let hex = row.2.components(separatedBy: "  ").first ?? ""
                    bytes += hexBytes(hex)
                } else if let annotation = try annotation(line) {
                    annotations.append(annotation)
                }
            }
            guard !bytes.isEmpty else { continue }
            guard !annotations.isEmpty else { throw Unreadable("a dump without its offset/bytes/meaning table") }
            dumps.append(Dump(bytes: bytes, annotations: annotations))
        }
        return dumps
    }

    private static func annotation(_ line: Substring) throws -> Annotation? {
        let pattern = /\s*([0-9a-f]{2})(?:-([0-9a-f]{2}))?\s+((?:[0-9a-f]{2}|\.\.)(?: (?:[0-9a-f]{2}|\.\.))*)(?:\s{2,}.*)?/
        guard let match = line.wholeMatch(of: pattern), let first = Int(match.1, radix: 16) else { return nil }
        let last = match.2.flatMap { Int($0, radix: 16) } ?? first
        let parts = match.3.components(separatedBy: "..")
        guard parts.count <= 2, last >= first else { throw Unreadable("cannot read the table row \(line)") }
        return Annotation(
            first: first, last: last, head: hexBytes(parts[0]), tail: parts.count == 2 ? hexBytes(parts[1]) : [],
            isElided: parts.count == 2, line: String(line))
    }

    /// Throws a ``Mismatch`` unless every row's bytes are the dump's bytes at its offsets and the
    /// rows together explain every byte.
    static func checkAnnotations(_ dump: Dump) throws {
        var explained = Set<Int>()
        for row in dump.annotations {
            guard row.last < dump.bytes.count else { throw Mismatch("row past the dump's end: \(row.line)") }
            let actual = Array(dump.bytes[row.first...row.last])
            let agrees =
                row.isElided
                ? actual.count > row.head.count + row.tail.count && actual.starts(with: row.head) && actual.suffix(row.tail.count).elementsEqual(row.tail)
                : actual == row.head
            guard agrees else {
                throw Mismatch("row \"\(row.line)\": the dump holds \(actual.map { String(format: "%02x", $0) }.joined(separator: " "))")
            }
            explained.formUnion(row.first...row.last)
        }
        let unexplained = Set(dump.bytes.indices).subtracting(explained)
        guard unexplained.isEmpty else { throw Mismatch("bytes no row explains: offsets \(unexplained.sorted())") }
    }

    // MARK: Short examples

    /// One line of §3.4: `00 00 00 0a  08 02  10 02  32 04 [08 01 40 01]   MESSAGE call 2; payload: …`.
    struct ShortExample: CustomStringConvertible {
        let bytes: [UInt8]
        /// The bytes in `[…]` (an embedded message: the payload, or an END's status), if the line marks any.
        let bracketed: [UInt8]?
        /// The words after the bytes.
        let words: String

        var description: String { words }

        /// The frame the words describe: `<TYPE> call <id>`, then for an END `status OK` or
        /// `status code <n> = <NAME>`, and for a MESSAGE `payload: <field> <value>, …` (§3.4's
        /// items are WatchHealth's, so the payload is a HealthResponse).
        func documentedFrame() throws -> Dms_V1_Frame {
            guard let head = words.prefixMatch(of: /(REQUEST|MESSAGE|END|CANCEL|GOAWAY) call (\d+)/) else {
                throw Unreadable("no \"<TYPE> call <id>\" in \"\(words)\"")
            }
            var text = "type: \(head.1) call_id: \(head.2)"
            if head.1 == "END" {
                if let status = words.firstMatch(of: /status code (\d+) = ([A-Z_]+)/) {
                    guard let code = Int(status.1).flatMap(Dms_V1_Status.Code.init(rawValue:)),
                        Dms_V1_Status.with({ $0.code = code }).textFormatString().trimmingCharacters(in: .whitespacesAndNewlines)
                            == "code: \(status.2)"
                    else { throw Mismatch("\"\(words)\": code \(status.1) is not \(status.2) in frame.proto") }
                    text += " status { code: \(status.2) }"
                } else if words.contains("status OK") {
                    text += " status { code: OK }"
                } else {
                    throw Unreadable("an END without \"status OK\" or \"status code N = NAME\": \"\(words)\"")
                }
            }
            var frame = try Dms_V1_Frame(textFormatString: text)
            if let payload = words.firstMatch(of: /payload: (.*)$/) {
                let fields = try payload.1.components(separatedBy: ", ").map { field in
                    let parts = field.split(separator: " ", maxSplits: 1)
                    guard parts.count == 2 else { throw Unreadable("cannot read the payload field \"\(field)\" in \"\(words)\"") }
                    return "\(parts[0]): \(parts[1])"
                }
                frame.payload = try Dms_V1_HealthResponse(textFormatString: fields.joined(separator: " ")).serializedData()
            }
            return frame
        }
    }

    /// Every line of `section`'s fenced blocks that starts with a frame's bytes.
    static func shortExamples(in section: String) throws -> [ShortExample] {
        var examples: [ShortExample] = []
        for line in codeBlocks(in: section).joined() {
            let tokens = line.split(separator: " ")
            let hexCount = tokens.prefix { $0.wholeMatch(of: /\[?[0-9a-f]{2}\]?/) != nil }.count
            guard hexCount >= 4 else { continue }
            let hexTokens = tokens.prefix(hexCount)
            var bracketed: [UInt8]?
            if let open = hexTokens.firstIndex(where: { $0.hasPrefix("[") }) {
                guard let close = hexTokens[open...].firstIndex(where: { $0.hasSuffix("]") }) else {
                    throw Unreadable("unclosed [ in \(line)")
                }
                bracketed = hexTokens[open...close].flatMap { hexBytes(String($0)) }
            }
            examples.append(
                ShortExample(
                    bytes: hexTokens.flatMap { hexBytes(String($0)) }, bracketed: bracketed,
                    words: tokens.dropFirst(hexCount).joined(separator: " ")))
        }
        return examples
    }
}
