import DMSCatalog
import DMSPostgres
import DMSProto
import Foundation

extension ConnectionTester {
    /// Logs in with libpq, runs `SELECT version()`, and says how it went. The password goes to
    /// libpq as a parameter of its own, never inside a conninfo string.
    func testPostgres(_ conf: [String: JSONValue], timeout: Duration) async -> Dms_V1_TestConnectionResponse {
        let target = PostgresTarget(conf, timeout: timeout)
        let parameters = target.parameters(conf)
        let started = ContinuousClock.now
        // libpq blocks: the attempt runs on a thread of its own, off the cooperative pool. A
        // cancelled call (CANCEL, its deadline, a drain that ran out of time) stops waiting at
        // once; the thread ends its attempt within the connect timeout and its answer is dropped.
        let answer = FirstAnswer<Result<String, PostgresError>?>()
        Thread.detachNewThread {
            do {
                let connection = try PostgresConnection(parameters: parameters)
                answer.give(.success(try connection.query("SELECT version() AS version").first?.string("version") ?? ""))
            } catch {
                answer.give(.failure(error as? PostgresError ?? PostgresError(code: .connectionFailure, message: "\(error)")))
            }
        }
        let outcome = await withTaskCancellationHandler {
            await answer.wait()
        } onCancel: {
            answer.give(nil)
        }
        let latency = ContinuousClock.now - started
        guard let outcome else { return Self.failed("the test was stopped before \(target.address) answered", latency: latency) }
        switch outcome {
        case .success(let version):
            var response = Dms_V1_TestConnectionResponse()
            response.ok = true
            response.message = "logged in to \(target.address) as \"\(target.user)\", database \"\(target.database)\""
            response.serverVersion = Self.shortVersion(version)
            response.latencyMs = latency.inMilliseconds
            return response
        case .failure(let error):
            return Self.failed(target.reason(error.message), latency: latency)
        }
    }

    /// "PostgreSQL 16.4 (Debian 16.4-1) on x86_64-pc-linux-gnu, compiled by …" → the part before " on ".
    static func shortVersion(_ version: String) -> String {
        version.range(of: " on ").map { String(version[..<$0.lowerBound]) } ?? version
    }
}

/// Where a postgres connection points, and how libpq's failures read for it.
struct PostgresTarget {
    let host: String
    let port: Int64
    let user: String
    let database: String
    /// libpq's connect timeout: the connection's own, no longer than the test's time (libpq counts
    /// whole seconds, at least 2).
    let connectTimeoutSeconds: Int

    init(_ conf: [String: JSONValue], timeout: Duration) {
        host = conf["host"]?.stringValue ?? ""
        port = conf["port"]?.integerValue ?? 5432
        user = conf["user"]?.stringValue ?? ""
        database = conf["database"]?.stringValue ?? ""
        let allowed = max(2, Int(timeout.inMilliseconds / 1000))
        connectTimeoutSeconds = max(2, min(conf["connect_timeout_seconds"]?.integerValue.map(Int.init) ?? allowed, allowed))
    }

    /// `host:port`.
    var address: String { "\(host):\(port)" }

    /// libpq's keyword/value parameters for `conf` (spec versions 1 and 2).
    func parameters(_ conf: [String: JSONValue]) -> [(keyword: String, value: String)] {
        var parameters: [(keyword: String, value: String)] = [
            ("host", host), ("port", String(port)), ("dbname", database), ("user", user),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", conf["application_name"]?.stringValue ?? "dmsd-connection-test"),
        ]
        if let password = conf["password"]?.stringValue, !password.isEmpty { parameters.append(("password", password)) }
        if let mode = (conf["ssl_mode"] ?? conf["sslmode"])?.stringValue { parameters.append(("sslmode", mode)) }
        if let rootCertificate = conf["ssl_root_cert"]?.stringValue { parameters.append(("sslrootcert", rootCertificate)) }
        return parameters
    }

    /// A short true reason for libpq's `message`, naming where it tried.
    func reason(_ message: String) -> String {
        let lowered = message.lowercased()
        if lowered.contains("password authentication failed") || lowered.contains("authentication failed")
            || lowered.contains("no password supplied")
        {
            return "authentication failed for user \"\(user)\" at \(address)"
        }
        if lowered.contains("connection refused") { return "connection refused by \(address)" }
        if lowered.contains("timeout expired") { return "timed out after \(connectTimeoutSeconds) s connecting to \(address)" }
        if lowered.contains("could not translate host name") { return "cannot resolve host \"\(host)\"" }
        // Anything else: the server's own words (e.g. role "x" does not exist), on one line.
        let serverWords = message.range(of: "FATAL:").map { String(message[$0.upperBound...]) } ?? message
        let compact = serverWords.split(whereSeparator: \.isNewline).first.map(String.init) ?? serverWords
        return "\(address): \(compact.trimmingCharacters(in: .whitespaces))"
    }
}
