import Foundation

/// Asks for secrets on the controlling terminal with echo off (`--prompt-secrets`), so they never
/// appear on screen, in shell history or in the process list.
public enum SecretPrompt {
    /// Shows `label` on the terminal and reads one line with echo off.
    ///
    /// - Throws: ``InputError`` when there is no terminal (e.g. under a script or in CI).
    public static func read(_ label: String) throws(InputError) -> String {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard descriptor >= 0 else {
            throw InputError(
                "--prompt-secrets needs a terminal; without one, give the password with --password-stdin "
                    + "or the secrets in a --schema-file")
        }
        defer { close(descriptor) }
        var original = termios()
        let hasTerminalSettings = tcgetattr(descriptor, &original) == 0
        if hasTerminalSettings {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ICANON)
            tcsetattr(descriptor, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminalSettings { tcsetattr(descriptor, TCSAFLUSH, &original) }
        }
        write(descriptor, "\(label): ")
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        write(descriptor, "\n")
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ descriptor: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }
}
