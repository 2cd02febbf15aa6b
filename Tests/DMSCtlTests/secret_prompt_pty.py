"""Runs a command whose controlling terminal is a pseudo-terminal, types an answer at each
prompt it shows there, and reports what the terminal showed.

Usage: python3 secret_prompt_pty.py STDOUT_FILE STDERR_FILE ANSWER COMMAND [ARGUMENT...]

The command's stdout and stderr go to the two files, so the terminal shows only what the command
writes to /dev/tty and what the terminal itself echoes. Whenever the terminal shows a new prompt
(text ending in ": "), ANSWER and a newline are typed. Prints one JSON object:
{"status": the command's exit status, "terminal": everything the terminal showed, "prompts": n}.
"""

import json
import os
import pty
import select
import signal
import sys


def main() -> None:
    stdout_file, stderr_file, answer, *command = sys.argv[1:]
    pid, terminal = pty.fork()
    if pid == 0:
        os.dup2(os.open(stdout_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
        os.dup2(os.open(stderr_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        os.execv(command[0], command)
    shown = b""
    prompts = 0
    while True:
        ready, _, _ = select.select([terminal], [], [], 120)
        if not ready:  # the command hangs: stop it rather than the test
            os.kill(pid, signal.SIGKILL)
            break
        try:
            data = os.read(terminal, 4096)
        except OSError:  # EIO: the command closed the terminal (it exited)
            break
        if not data:
            break
        shown += data
        while shown.count(b": ") > prompts:
            os.write(terminal, answer.encode() + b"\n")
            prompts += 1
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"status": code, "terminal": shown.decode(errors="replace"), "prompts": prompts}))


if __name__ == "__main__":
    main()
