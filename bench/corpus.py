"""Build the planted-error corpus: clean synthetic reports in three layouts, and copies
with one slip each (ground truth in manifest.json). Fixed seeds; generated, not committed.

    python bench/corpus.py [--out bench/out/corpus] [--clean 105] [--per-kind 12] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.synth.compose import LAYOUT_NAMES, compose  # noqa: E402
from auditor.synth.figures import generate  # noqa: E402
from auditor.synth.mutate import MUTATORS, plant  # noqa: E402
from auditor.synth.pdf import pdf_bytes  # noqa: E402


def variant(seed: int) -> tuple[str, str]:
    """The layout and figure mode of a seed: layouts rotate, every fourth report rounded."""
    return LAYOUT_NAMES[seed % len(LAYOUT_NAMES)], ("rounded" if seed % 4 == 3 else "exact")


def build_one(task: tuple[int, str | None, str]) -> dict[str, object] | None:
    seed, kind, out = task
    layout, mode = variant(seed)
    data = generate(seed, mode)
    spec, anchors = compose(data, layout)
    entry: dict[str, object] = {"seed": seed, "layout": layout, "mode": mode, "clean": kind is None,
                                "base": f"clean_{seed:04d}.pdf"}
    name = f"clean_{seed:04d}.pdf"
    if kind is not None:
        result = plant(kind, spec, anchors, data, seed)
        if result is None:
            return None
        spec, planted = result
        entry["plant"] = planted.to_dict()
        name = f"{kind}_{seed:04d}.pdf"
    (Path(out) / name).write_bytes(pdf_bytes(spec, layout))
    entry["file"] = name
    return entry


def build(out: Path, clean: int = 105, per_kind: int = 12, jobs: int = 2) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.pdf"):  # a rebuild starts from an empty corpus
        old.unlink()
    started = time.perf_counter()
    entries: list[dict[str, object]] = []
    counts: dict[str, int] = {}
    tried: dict[str, int] = {}
    pending: list[tuple[int, str | None, str]] = [(seed, None, str(out)) for seed in range(clean)]
    kinds = sorted(MUTATORS)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for _round in range(4):
            for k, kind in enumerate(kinds):
                missing = per_kind - counts.get(kind, 0)
                if missing <= 0:
                    continue
                # spread each kind over seeds (and so over layouts); a kind that does not
                # apply to every report gets more seeds in the next round
                start = tried.get(kind, 0)
                want = missing + (2 if _round == 0 else missing)
                # a step prime to the corpus size visits every seed once
                step = next(n for n in (11, 13, 17, 19, 23) if clean % n)
                seeds = [(k * 7 + i * step) % clean for i in range(start, min(start + want, clean))]
                tried[kind] = start + want
                pending += [(seed, kind, str(out)) for seed in seeds]
            if not pending:
                break
            for entry in pool.map(build_one, pending, chunksize=2):
                if entry is None:
                    continue
                kind = entry["plant"]["kind"] if not entry["clean"] else "clean"  # type: ignore[index]
                if kind != "clean" and counts.get(kind, 0) >= per_kind:
                    (out / str(entry["file"])).unlink(missing_ok=True)
                    continue
                counts[kind] = counts.get(kind, 0) + 1
                entries.append(entry)
            pending = []
    manifest = {"seconds": round(time.perf_counter() - started, 1), "counts": counts, "reports": entries}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description="生成植入错误的测试语料")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--clean", type=int, default=105)
    parser.add_argument("--per-kind", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    manifest = build(args.out, args.clean, args.per_kind, args.jobs)
    print(f"{len(manifest['reports'])} 份报告，用时 {manifest['seconds']} 秒：{manifest['counts']}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
