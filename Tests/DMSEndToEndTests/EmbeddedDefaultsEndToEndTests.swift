import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// What dmsd sets up by itself: the embedded PostgreSQL cluster is reachable through its Unix
/// socket only, and with `--client-config none` the bootstrap admin token goes to a 0600 file in
/// the data directory and nowhere else.
@Suite struct EmbeddedDefaultsEndToEndTests {
    @Test func embeddedClusterListensOnItsUnixSocketAndOnNoTCPPort() async throws {
        // Control: the shared test cluster listens on TCP, and this way of looking finds it.
        if let shared = try TestPostgres.shared().directory {
            let postmaster = try Self.postmasterPID(dataDirectory: "\(shared)/data")
            #expect(!Self.tcpSockets(of: postmaster).isEmpty, "the shared test cluster's TCP listener is found")
        }

        try await withTemporaryDirectory { root in
            let cluster = ResourceEmbeddedCluster(root: root)
            let daemon = try await DaemonProcess(root: root, database: .embedded)
            do {
                let postmaster = try Self.postmasterPID(dataDirectory: cluster.dataDirectory)
                let session = try PostgresConnection(conninfo: "host=\(root)/data/postgres port=5432 user=dms dbname=dms")
                let listen = try session.query("SHOW listen_addresses").first?.string("listen_addresses")
                #expect(listen == "", "listen_addresses = '\(listen ?? "?")'")
                #expect(Self.tcpSockets(of: postmaster).isEmpty, "TCP sockets of the embedded postmaster (pid \(postmaster))")
                #expect(Self.unixSocketCount(of: postmaster) > 0, "the postmaster holds its Unix socket")
            } catch {
                try? await daemon.killLeavingItsCluster()
                _ = try? await cluster.stopImmediatelyIfRunning()
                throw error
            }
            #expect(await daemon.stop() == 0)
            #expect(!cluster.isRunning, "dmsd stopped its cluster")
            if cluster.isRunning { try await cluster.stopImmediatelyIfRunning() }
        }
    }

    @Test func withNoClientConfigTheBootstrapTokenIsA0600FileThatWorksAndIsNeverLogged() async throws {
        try await DaemonProcess.with(arguments: ["--client-config", "none"]) { daemon in
            let tokenFile = "\(daemon.root)/data/admin-token"
            let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.wholeMatch(of: /dms_[A-Za-z0-9_-]{43}/) != nil, "a token of the documented form")
            #expect(!FileManager.default.fileExists(atPath: daemon.clientConfigFile), "no client configuration was written")

            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(token))) { admin in
                let namespaces = try await admin.unary(API.NamespaceService.listNamespaces, Dms_V1_ListNamespacesRequest())
                #expect(namespaces.namespaces.map(\.name).contains("default"))
                let tokens = try await admin.unary(API.TokenService.listTokens, Dms_V1_ListTokensRequest())
                #expect(tokens.tokens.map(\.name) == ["bootstrap-admin"])
            }
            let refused = await #expect(throws: RPCError.self, "a token that is not the file's") {
                try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(String(token.dropLast()) + "A"))) { client in
                    _ = try await client.unary(API.NamespaceService.listNamespaces, Dms_V1_ListNamespacesRequest())
                }
            }
            #expect(refused?.code == .unauthenticated)

            let log = daemon.log
            #expect(log.contains("wrote the bootstrap admin token (mode 0600)"), "\(log.suffix(2000))")
            #expect(!log.contains(token), "the token is in dmsd's log")
            #expect(!log.contains(String(token.dropFirst(4).prefix(16))), "part of the token is in dmsd's log")
        }
    }

    // MARK: /proc

    /// The postmaster's pid: the first line of `postmaster.pid` in `dataDirectory`.
    static func postmasterPID(dataDirectory: String) throws -> Int32 {
        let text = try String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8)
        guard let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw TestSupportError("no pid in \(dataDirectory)/postmaster.pid")
        }
        return pid
    }

    /// The inodes of the sockets process `pid` holds open.
    static func socketInodes(of pid: Int32) -> Set<String> {
        let directory = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(
            descriptors.compactMap { descriptor in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(descriptor)"),
                    let match = target.wholeMatch(of: /socket:\[(\d+)\]/)
                else { return nil }
                return String(match.1)
            })
    }

    /// The TCP sockets (IPv4 and IPv6, any state) that process `pid` holds, as
    /// "local-address state" lines of /proc/net/tcp{,6}.
    static func tcpSockets(of pid: Int32) -> [String] {
        let inodes = socketInodes(of: pid)
        var found: [String] = []
        for table in ["tcp", "tcp6"] {
            let text = ProcFile.text("/proc/\(pid)/net/\(table)") ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ")
                guard columns.count > 9, inodes.contains(String(columns[9])) else { continue }
                found.append("\(table) \(columns[1]) state \(columns[3])")
            }
        }
        return found
    }

    /// How many Unix sockets process `pid` holds (as /proc/net/unix lists them).
    static func unixSocketCount(of pid: Int32) -> Int {
        let inodes = socketInodes(of: pid)
        let text = ProcFile.text("/proc/\(pid)/net/unix") ?? ""
        return text.split(separator: "\n").dropFirst().filter { line in
            let columns = line.split(separator: " ")
            return columns.count > 6 && inodes.contains(String(columns[6]))
        }.count
    }
}
