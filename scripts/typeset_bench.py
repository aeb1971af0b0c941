"""Figures for the typesetting assistant (newsroom/typeset.py), printed, never asserted.

- the lexicon's one-time load;
- `typeset` on a 1,000-word article (the governor's article without its ZWNJs, repeated to
  1,000 words), median and worst of the runs;
- ZWNJs restored and wrongly added on the governor's article, glued and spaced.

Run: .venv/bin/python scripts/typeset_bench.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsroom.typeset import ZWNJ, lexicon, typeset  # noqa: E402

REFERENCE = ROOT / "tests" / "data" / "editorial_reference.json"


def zwnj_score(reference: str, output: str, blank: str) -> tuple[int, int]:
    """(restored, wrongly added), aligning both texts on their letters (as tests/test_typeset)."""

    def marks(text: str) -> tuple[str, set[int]]:
        letters: list[str] = []
        found: set[int] = set()
        for ch in text:
            if ch == ZWNJ:
                found.add(len(letters))
                letters.extend(blank)
            else:
                letters.append(ch)
        return "".join(letters), found

    ref_text, ref_marks = marks(reference)
    out_text, out_marks = marks(output)
    if ref_text != out_text:
        raise SystemExit("the output differs from the reference in more than ZWNJs")
    return len(ref_marks & out_marks), len(out_marks - ref_marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    article = json.loads(REFERENCE.read_text(encoding="utf-8"))
    text = "\n\n".join([article["title"], article["lead"], *article["body"]])

    started = time.perf_counter()
    lexicon()
    print(f"lexicon load (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")

    glued = text.replace(ZWNJ, "")
    words = glued.split()
    thousand = " ".join((words * (1000 // len(words) + 1))[:1000])
    typeset(thousand)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        typeset(thousand)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"1,000 words ({len(thousand)} characters), {args.runs} runs: "
        f"median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms"
    )

    total = text.count(ZWNJ)
    for name, blank in (("glued (every ZWNJ removed)", ""), ("spaced (every ZWNJ a space)", " ")):
        restored, wrong = zwnj_score(text, typeset(text.replace(ZWNJ, blank)).text, blank)
        print(f"governor's article, {name}: {restored}/{total} restored, {wrong} wrongly added")


if __name__ == "__main__":
    main()
