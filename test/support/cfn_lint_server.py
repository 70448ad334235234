"""
cfn-lint's own command line, kept warm for the test suite (test/support/cfn-lint.ts).

Each request runs what `cfn-lint <argv>` runs in the request's directory: cfnlint's ConfigMixIn
over the arguments, its Runner.cli() with the formatter the arguments choose, and its exit status.
The one difference is that the rules are loaded once per process, not once per run: importing
cfnlint and loading its rules take about 2.4 s of each 3 s run on a small template.

Protocol, one JSON object per line: the first line out is {"ready": true, "version": "<cfn-lint
version>"}; then each request {"cwd": "<dir>", "argv": ["<arg>", ...]} gets one reply
{"status": <exit status>, "stdout": "<what the CLI prints>", "stderr": "<its log, or a traceback>"}.
The process ends when its input does.
"""

import contextlib
import io
import json
import os
import sys
import traceback

from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner
from cfnlint.version import __version__


class WarmRunner(Runner):
    """The command line's runner, reusing the rules an earlier run loaded with the same rule options."""

    loaded = {}

    def _get_rules(self) -> None:
        key = (tuple(self.config.append_rules), self.config.custom_rules)
        if key not in WarmRunner.loaded:
            super()._get_rules()
            WarmRunner.loaded[key] = self.rules
        self.rules = WarmRunner.loaded[key]


def run(request):
    """One `cfn-lint` run: its exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    home = os.getcwd()
    try:
        os.chdir(request["cwd"])
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                WarmRunner(ConfigMixIn(request["argv"])).cli()
            except SystemExit as e:
                status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception:  # the linter failed: the CLI's exit status 1, with the traceback
        status = 1
        err.write(traceback.format_exc())
    finally:
        os.chdir(home)
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    reply = sys.stdout
    reply.write(json.dumps({"ready": True, "version": __version__}) + "\n")
    reply.flush()
    for line in sys.stdin:
        if line.strip():
            reply.write(json.dumps(run(json.loads(line))) + "\n")
            reply.flush()


if __name__ == "__main__":
    main()
