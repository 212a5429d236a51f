"""Build the bundled example report from its spec.

    python examples/build_example.py            # writes example_report.pdf and .txt here
    python examples/build_example.py --out DIR  # writes them to DIR

The output is deterministic: the same spec gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.synth import load_spec, pdf_bytes, render_text

HERE = Path(__file__).resolve().parent
SPEC = HERE / "example_2022.yaml"
PDF_NAME = "example_report.pdf"
TEXT_NAME = "example_report.txt"


def build(out_dir: Path = HERE, spec_path: Path = SPEC, layout: str = "hunan") -> tuple[Path, Path]:
    """Render the spec as PDF and text into ``out_dir``; return both paths."""
    spec = load_spec(spec_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / PDF_NAME
    text_path = out_dir / TEXT_NAME
    pdf_path.write_bytes(pdf_bytes(spec, layout=layout))
    text_path.write_bytes(render_text(spec).encode("utf-8"))
    return pdf_path, text_path


def main() -> None:
    parser = argparse.ArgumentParser(description="生成示例部门决算报告（PDF 与文本）")
    parser.add_argument("--out", type=Path, default=HERE, help="输出目录（默认：examples/）")
    parser.add_argument("--spec", type=Path, default=SPEC, help="报告描述文件（YAML）")
    parser.add_argument("--layout", default="hunan", help="版式（目前只有 hunan）")
    args = parser.parse_args()
    for path in build(args.out, args.spec, args.layout):
        print(path)


if __name__ == "__main__":
    main()
