"""Mutation fuzzing of the PDF and text ingest (issue 8): take the bundled example (PDF and
text), damage it (flip bytes, cut it, duplicate or delete a chunk, splice in garbage), and
audit the result. A clean outcome is either an audit or an InputError with a Chinese message;
anything else is a crash, printed with its seed so it can be replayed and turned into a
regression test. Runs for a bounded time per target; not part of the default test run.

Usage: python bench/fuzz_ingest.py [--seconds N]   (default 60 per target; issue 8 asks 600)
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from auditor.audit import audit_file
from auditor.ingest.errors import InputError
from auditor.limits import Limits, bounded

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits(seconds=60, memory_mb=2048)
TARGETS = {"pdf": ROOT / "examples" / "example_report.pdf", "text": ROOT / "examples" / "example_report.txt"}


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    op = rng.choice(["flip", "cut", "dup", "delete", "splice"])
    for _ in range(rng.randint(1, 4)):
        if not buf:
            break
        i = rng.randrange(len(buf))
        if op == "flip":
            for _ in range(rng.randint(1, 32)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op == "cut":
            del buf[i:]
        elif op == "dup":
            j = min(len(buf), i + rng.randint(1, 4096))
            buf[i:i] = buf[i:j]
        elif op == "delete":
            del buf[i : i + rng.randint(1, 4096)]
        else:
            buf[i:i] = rng.randbytes(rng.randint(1, 512))
    return bytes(buf)


def fuzz(name: str, source: Path, seconds: float, seed0: int) -> tuple[Counter[str], list[str]]:
    data = source.read_bytes()
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    deadline = time.monotonic() + seconds
    seed = seed0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{source.suffix}"
        while time.monotonic() < deadline:
            seed += 1
            path.write_bytes(mutate(data, random.Random(seed)))
            try:
                with bounded(LIMITS):  # a hang or a memory blow-up shows as a timeout / too_large rejection
                    audit_file(path)
                outcomes["审核完成"] += 1
            except InputError as exc:
                assert str(exc), "an InputError must carry a message"
                outcomes[f"拒绝：{exc.kind}"] += 1
            except Exception:  # noqa: BLE001 - the point is to catch whatever escapes
                outcomes["崩溃"] += 1
                crashes.append(f"{name} seed={seed}\n{traceback.format_exc(limit=4)}")
    return outcomes, crashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lines = ["# Mutation fuzzing (bench/fuzz_ingest.py)", "",
             f"seed {args.seed}; each damaged file audited under a 60 s / 2048 MB bound.", "",
             "| 目标 | 用时 (s) | 输入数 | 结果 |", "|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    all_crashes: list[str] = []
    for name, source in TARGETS.items():
        outcomes, crashes = fuzz(name, source, args.seconds, args.seed)
        all_crashes += crashes
        summary = "；".join(f"{k} {v}" for k, v in outcomes.most_common())
        lines.append(f"| {name} | {args.seconds:.0f} | {sum(outcomes.values())} | {summary} |")
        print(lines[-1], flush=True)
    lines += ["", f"Crashes: {len(all_crashes)}.", ""]
    for crash in all_crashes[:10]:
        print("\n" + crash)
        lines += ["```", crash, "```"]
    if args.seconds >= 600:  # the run length: keep the figures
        (ROOT / "bench" / "results_fuzz.md").write_text("\n".join(lines), encoding="utf-8")
    raise SystemExit(1 if all_crashes else 0)


if __name__ == "__main__":
    main()
