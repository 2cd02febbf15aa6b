import Foundation

/// The machine's processes as `/proc` shows them at one moment, for tests that check what is left
/// running after a process died.
public struct ProcessTable: Sendable {
    /// One process.
    public struct Entry: Sendable, Hashable {
        /// Its process id.
        public let pid: Int32
        /// Its parent's process id.
        public let parent: Int32
        /// Its state letter; `Z` is a zombie, which runs nothing and waits for a reaper.
        public let state: Character
        /// Its start time in clock ticks after boot: with the pid, it names one process for good.
        public let startTime: UInt64
        /// Its arguments, joined by spaces.
        public let commandLine: String

        /// Whether it runs (is not a zombie).
        public var isRunning: Bool { state != "Z" }
    }

    /// Every process, by pid.
    public let entries: [Int32: Entry]

    /// Reads `/proc` now.
    public init() {
        var entries = [Int32: Entry]()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let entry = Self.entry(pid: pid) else { continue }
            entries[pid] = entry
        }
        self.entries = entries
    }

    /// The running processes whose parent, grandparent, … is `pid`.
    public func descendants(of pid: Int32) -> [Entry] {
        var found = [Entry]()
        var parents: Set<Int32> = [pid]
        while true {
            let children = entries.values.filter { parents.contains($0.parent) && !parents.contains($0.pid) }
            guard !children.isEmpty else { break }
            found += children
            parents.formUnion(children.map(\.pid))
        }
        return found.filter(\.isRunning)
    }

    /// Whether the process `entry` names (not a newer one that got its pid) still runs.
    public func stillRuns(_ entry: Entry) -> Bool {
        guard let now = entries[entry.pid] else { return false }
        return now.startTime == entry.startTime && now.isRunning
    }

    private static func entry(pid: Int32) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let commandEnd = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (command) ": state, parent, process group, …; the start time is the 20th.
        let fields = stat[stat.index(after: commandEnd)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]), let startTime = UInt64(fields[19])
        else { return nil }
        let arguments = ProcFile.data("/proc/\(pid)/cmdline") ?? Data()
        let commandLine = String(decoding: arguments.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return Entry(pid: pid, parent: parent, state: state, startTime: startTime, commandLine: commandLine)
    }
}
