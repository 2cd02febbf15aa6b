import ArgumentParser
import DMSClient
import DMSCommandLineInput
import DMSManifest
import DMSResourceOperations
import DMSWire
import Foundation

/// An error as dmsctl shows it: `dmsctl: <one line>` on stderr, then one indented line per field
/// violation, and the exit status it maps to. Never a Swift error dump.
struct ErrorReport {
    /// The one line that says what went wrong, without the `dmsctl: ` prefix.
    let headline: String
    /// Further lines, e.g. `  field: description` for each field violation.
    let details: [String]
    /// The exit status.
    let status: ExitStatus

    /// The text for stderr, ending in a newline.
    var text: String {
        (["dmsctl: \(headline)"] + details).joined(separator: "\n") + "\n"
    }

    /// Describes `error`.
    init(_ error: any Error) {
        var details: [String] = []
        switch error {
        case let stop as ManifestStop:
            // The document, the cause's own report, and how far the documents got.
            let cause = ErrorReport(stop.cause)
            headline = "\(stop.place): \(cause.headline)"
            details = (cause.details.map { $0.trimmingCharacters(in: .whitespaces) } + [stop.progress]).map { "  \($0)" }
            status = cause.status
        case let failure as CommandFailure:
            headline = failure.message
            details = failure.details.map { "  \($0)" }
            status = failure.status
        case let operation as OperationError:
            headline = operation.message
            status = ExitStatus(operation.code)
        case let input as InputError:
            headline = input.message
            status = .usage
        case let rejection as ManifestRejection:
            headline = rejection.message
            details = rejection.problems.map { "  \($0)" }
            status = .usage
        case let rpc as RPCError:
            headline = "\(rpc.code.name): \(rpc.message)"
            details = rpc.violations.map { "  \($0.field): \($0.description)" }
            status = ExitStatus(rpc.code)
        case let config as ClientConfigError:
            headline = config.description
            status = .failure
        case is CancellationError:
            headline = "cancelled"
            status = .failure
        case _ where error is CocoaError || error is POSIXError || type(of: error) is NSError.Type:
            headline = error.localizedDescription  // Foundation's own sentence, not a dump
            status = .failure
        case let described as any CustomStringConvertible:
            headline = described.description
            status = .failure
        default:
            headline = error.localizedDescription
            status = .failure
        }
        self.details = details
    }

    /// Whether ArgumentParser should report `error` itself: usage errors (its `ValidationError`
    /// and internal parse errors), help requests and explicit exits.
    static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
