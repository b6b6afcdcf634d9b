"""A stand-in for CUPS' ``lp`` for the fault suite: it accepts ``lp -d PRINTER -n COPIES -t TITLE
FILE`` like the real client and appends ONE line per job (JSON: printer, copies, title, file and
the file's sha256) to ``$WARTA_FAKE_LP_LOG``. The suite counts paper from this log, so a job
printed twice shows as two lines whatever the worker's own bookkeeping says.

The line is written with ``O_APPEND`` in a single ``write`` (well under PIPE_BUF) and fsynced
before ``lp`` exits 0: once the worker sees success, the job is in the log, as a real spooler has
it once ``lp`` returns. Stdlib only (it runs under any Python)."""

from __future__ import annotations

import hashlib
import json
import os
import sys


def main(argv: list[str]) -> int:
    """Parse the options ``NoticeboardRenderer.print_file`` passes; log the job; exit 0."""
    opts, files, i = {}, [], 0
    while i < len(argv):
        if argv[i] in ("-d", "-n", "-t") and i + 1 < len(argv):
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    if len(files) != 1 or not os.path.isfile(files[0]):
        print(f"lp: berkas tidak ada: {files}", file=sys.stderr)
        return 1
    with open(files[0], "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    line = json.dumps({"printer": opts.get("-d"), "copies": int(opts.get("-n", 1)),
                       "title": opts.get("-t"), "file": os.path.abspath(files[0]),
                       "sha256": digest, "pid": os.getpid()}, ensure_ascii=False) + "\n"
    fd = os.open(os.environ["WARTA_FAKE_LP_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    print(f"request id is {opts.get('-d')}-{os.getpid()} (1 file(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
