import Foundation

/// Reading what dmsctl is given on stdin: a configuration file (`-`), a password, documents.
public enum StandardInput {
    /// Everything on stdin, as UTF-8 text.
    public static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The password given on stdin: all of it, less one trailing newline (`\n` or `\r\n`).
    ///
    /// - Throws: ``InputError`` when stdin is empty.
    public static func readPassword(flag: String = "--password-stdin") throws(InputError) -> String {
        let text = droppingOneTrailingNewline(readAll())
        guard !text.isEmpty else { throw InputError("\(flag): stdin is empty; pipe the password in") }
        return text
    }

    /// `text` less one trailing newline (`\n` or `\r\n`), as a secret read from a pipe or a file
    /// is meant.
    public static func droppingOneTrailingNewline(_ text: String) -> String {
        var scalars = text.unicodeScalars
        if scalars.last == "\n" {
            scalars.removeLast()
            if scalars.last == "\r" { scalars.removeLast() }
        }
        return String(scalars)
    }
}
