"""Make articles/fonts/vazirmatn-card-<weight>.ttf: the site's two Vazirmatn subsets (Arabic
script; Latin with « » . : ( ) and Latin digits) as one static font per weight, because
Pillow draws a line with a single font and has no fallback. Run once, with fontTools:

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools==4.68.0 brotli
    /tmp/ft/bin/python scripts/card_fonts.py
"""

from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "static/fonts/vazirmatn"
OUT = ROOT / "articles/fonts"
WEIGHTS = {"regular": 400, "medium": 500, "bold": 700}

OUT.mkdir(exist_ok=True)
for name, weight in WEIGHTS.items():
    parts = []
    for subset in ("arabic", "latin"):  # Arabic first: its metrics and names lead
        font = TTFont(SOURCE / f"vazirmatn-{subset}-wght-normal.woff2")
        static = instantiateVariableFont(font, {"wght": weight})
        static.flavor = None
        path = OUT / f".{subset}-{name}.ttf"
        static.save(path)
        parts.append(str(path))
    merged = Merger().merge(parts)
    merged.save(OUT / f"vazirmatn-card-{name}.ttf")
    for part in parts:
        Path(part).unlink()
    print(name, (OUT / f"vazirmatn-card-{name}.ttf").stat().st_size)
