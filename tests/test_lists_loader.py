"""List files are validated on load; a bad edit names the file and line."""
import shutil
from pathlib import Path

import pytest

from app.lists import ListError, load_lists
from app.lists.loader import BRAND_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = ",".join(BRAND_COLUMNS)


@pytest.fixture()
def data_copy(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def write_brands(data_dir: Path, body: str) -> Path:
    for f in (data_dir / "brands").glob("*.csv"):
        f.unlink()
    path = data_dir / "brands" / "test.csv"
    path.write_text(HEADER + "\n" + body, encoding="utf-8")
    return path


def test_shipped_lists_load_and_cover_the_required_brands():
    lists = load_lists()
    names = {b.name.casefold() for b in lists.brands} | {a.casefold() for b in lists.brands for a in b.aliases}
    required = Path(DATA.parents[1] / "shared" / "eval" / "brands-required.csv")
    if not required.exists():
        pytest.skip("shared/eval not beside the repository")
    import csv

    with required.open(encoding="utf-8") as fh:
        missing = [r["name"] for r in csv.DictReader(fh) if r["name"].casefold() not in names]
    assert not missing, f"required brands missing from data/brands: {missing}"
    assert lists.terms and lists.exemptions
    assert lists.version.startswith("v1-")


BAD = [
    # (row, expected message part, why)
    ("nike,Nike,,,,,footwear,famous,Nike,25|99", "Nice classes", "class out of range"),
    ("Nike!,Nike,,,,,footwear,famous,Nike,25", "id 'Nike!'", "id must be a slug"),
    ("nike,Nike,,,,,shoes,famous,Nike,25", "unknown categories", "category not in the fixed list"),
    ("nike,Nike,,,,,footwear,huge,Nike,25", "tier", "tier must be famous or standard"),
    ("nike,Nike,,,,Apple,footwear,famous,Nike,25", "not names of this brand", "ordinary must name the row's own names"),
    ("nike,Nike,,,,footwear,famous,Nike,25", "9 fields", "a missing column"),
    ("nike,,,,,,footwear,famous,Nike,25", "name is empty", "name required"),
]


@pytest.mark.parametrize("row,message,why", BAD, ids=[b[2] for b in BAD])
def test_bad_brand_row_names_file_and_line(data_copy, row, message, why):
    path = write_brands(data_copy, "# comment line\n" + row + "\n")
    with pytest.raises(ListError) as exc:
        load_lists(data_copy)
    assert f"{path}:3" in str(exc.value), why
    assert message in str(exc.value), why


def test_duplicate_brand_id(data_copy):
    path = write_brands(data_copy, "nike,Nike,,,,,footwear,famous,Nike,25\nnike,Nike2,,,,,footwear,famous,Nike,25\n")
    with pytest.raises(ListError, match=rf"{path}:3: duplicate brand id 'nike'"):
        load_lists(data_copy)


def append_row(path: Path, row: str) -> int:
    """Append a line to a list file; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


BAD_ROWS = [
    # (file, row, expected message part, why)
    ("terms.csv", "zz-test,promotional,en,zzz,urgent,Because.,,general", "severity 'urgent'", "unknown severity"),
    ("policy.csv", "zz-rule,max_words,title,10,medium,Too long.,,amazon-title-policy,2025-01-01",
     "check 'max_words'", "unknown policy check"),
    ("policy.csv", "zz-rule,max_length,title,150,medium,Too long.,,amazon-title-policy,soon",
     "effective", "a policy rule needs an effective date"),
]


@pytest.mark.parametrize("name,row,message,why", BAD_ROWS, ids=[b[3] for b in BAD_ROWS])
def test_bad_row_names_file_and_line(data_copy, name, row, message, why):
    path = data_copy / name
    line = append_row(path, row)
    with pytest.raises(ListError, match=rf"{path}:{line}: {message}"):
        load_lists(data_copy)


def test_bad_header(data_copy):
    (data_copy / "exemptions.csv").write_text("phrase,language,categories,reason\n", encoding="utf-8")
    with pytest.raises(ListError, match=r"exemptions.csv:1: header"):
        load_lists(data_copy)


def test_version_changes_with_content(data_copy):
    v1 = load_lists(data_copy).version
    path = next((data_copy / "brands").glob("*.csv"))
    path.write_text(path.read_text(encoding="utf-8") + "zz-new,Zzyzx Test Brand,,,,,toys,standard,,28\n", encoding="utf-8")
    assert load_lists(data_copy).version != v1
