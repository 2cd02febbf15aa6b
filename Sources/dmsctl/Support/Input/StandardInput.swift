import Foundation

/// Reading what dmsctl is given on stdin: a configuration file (`-`), a password, documents.
enum StandardInput {
    /// Everything on stdin, as UTF-8 text.
    static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The password given on stdin: all of it, less one trailing newline (`\n` or `\r\n`).
    ///
    /// - Throws: ``CommandFailure`` when stdin is empty.
    static func readPassword(flag: String = "--password-stdin") throws -> String {
        var scalars = readAll().unicodeScalars
        if scalars.last == "\n" {
            scalars.removeLast()
            if scalars.last == "\r" { scalars.removeLast() }
        }
        let text = String(scalars)
        guard !text.isEmpty else { throw CommandFailure("\(flag): stdin is empty; pipe the password in", status: .usage) }
        return text
    }
}
