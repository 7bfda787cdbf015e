"""The engine is a plain library: importing and using it never loads the web framework."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_does_not_import_fastapi():
    code = (
        "import sys\n"
        "from app.lists import build_engine\n"
        "from app.engine import Listing\n"
        "e = build_engine()\n"
        "r = e.screen(Listing(title='N1ke shoes'))\n"
        "assert r.hits, r\n"
        "bad = [m for m in ('fastapi', 'starlette', 'uvicorn') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"engine imported {out.stdout.strip()}"
