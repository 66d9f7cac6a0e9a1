"""Peak memory of a command and every process it starts, summed, as the issue counts it.

    python benchmarks/peak_memory.py -- papers -C /tmp/archive-50k render

Every 50 ms the process tree under the command is walked in /proc and the resident set sizes
(RSS) of its processes are added up; the peak of that sum is printed, with the peak of the
proportional set sizes (PSS: a page shared by forked workers counted once, split between
them), which is what the machine really spends. Linux only. A process that lives for less than
one sample can be missed; the page-rendering and analysis workers live for seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children(pid))
    return out


def usage(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) if it has gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in lines[1:]}
    return values.get("Rss", 0), values.get("Pss", 0)


@dataclass
class Run:
    seconds: float
    rss: int  # peak of the summed RSS, bytes
    pss: int  # peak of the summed PSS, bytes
    processes: int
    returncode: int

    def __str__(self) -> str:
        return (
            f"{self.seconds:.1f} s, peak RSS summed {self.rss / 1e9:.2f} GB "
            f"(PSS {self.pss / 1e9:.2f} GB, at most {self.processes} processes)"
        )


def run(command: list[str], **options) -> Run:
    """Run ``command`` (``subprocess.Popen`` options), sampling its process tree's memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, **options)
    peak_rss = peak_pss = peak_procs = 0
    while process.poll() is None:
        sizes = [usage(pid) for pid in tree(process.pid)]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        peak_procs = max(peak_procs, len(sizes))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    return Run(seconds, peak_rss, peak_pss, peak_procs, process.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    result = run(args.command)
    print(f"{result}, exit {result.returncode}")
    raise SystemExit(result.returncode)


if __name__ == "__main__":
    main()
