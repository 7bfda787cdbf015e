"""Seeded, reproducible benchmark inputs composed from real listing text.

Workload (a): full listings of 2-4 KB (title, five bullets, description) built from the
titles and description sentences of ../shared/realdata (Flipkart, Amazon UK, Taobao) and
the dev set, with brand names and disguises present at a realistic rate. Workload (b):
titles alone. Synthetic brands (for the 10k/50k/100k runs) are seeded too.
"""
from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

_SENT = re.compile(r"(?<=[.!?。！？])\s+")


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _pools(shared: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    real = shared / "realdata"
    en_titles, zh_titles, sentences = [], [], []
    for name in ("amazon-uk-toys-10k", "flipkart-20k"):
        for r in _jsonl(real / name / "listings.jsonl"):
            if r.get("title"):
                en_titles.append(r["title"])
            for s in _SENT.split(r.get("description") or ""):
                if 40 <= len(s) <= 400:
                    sentences.append(s)
    raw = real / "flipkart-20k" / "raw" / "flipkart_com-ecommerce_sample.partial_5k.csv"
    if raw.exists():
        with raw.open(encoding="utf-8", errors="replace") as fh:
            for row in csv.DictReader(fh):
                for s in _SENT.split(row.get("description") or ""):
                    if 40 <= len(s) <= 400:
                        sentences.append(s)
    for name in ("taobao-ner-jie2019", "taobao-ner-ding2019"):
        zh_titles.extend(r["title"] for r in _jsonl(real / name / "titles.jsonl") if r.get("title"))
    dev = [r["title"] for r in _jsonl(shared / "eval" / "dev.jsonl")]
    return en_titles + dev, zh_titles, sentences, dev


def _disguise(name: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return " ".join(name)                         # letter-spaced
    if kind == 1:
        return name.replace("o", "0").replace("i", "1").replace("e", "3")  # leetspeak
    if kind == 2 and len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]  # swapped letters
    if kind == 3:
        return "-".join([name[: len(name) // 2], name[len(name) // 2:]])
    return name + "-style"


def compose_listings(n: int, seed: int = 7, *, brand_names: list[str] | None = None,
                     shared: Path = SHARED) -> list[dict]:
    """n listings of 2-4 KB; about 15% name a brand plainly and 5% in disguise."""
    rng = random.Random(seed)
    en_titles, zh_titles, sentences, _ = _pools(shared)
    brand_names = brand_names or []
    out = []
    for i in range(n):
        zh = rng.random() < 0.2
        title = rng.choice(zh_titles if zh else en_titles)
        if zh:
            bullets = [rng.choice(zh_titles) for _ in range(5)]
        else:
            bullets = [" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 2))) for _ in range(5)]
        target = rng.randint(2048, 4096)
        desc_parts = []
        size = len(title) + sum(len(b) for b in bullets)
        while size < target:
            s = rng.choice(zh_titles) if zh and rng.random() < 0.5 else rng.choice(sentences)
            desc_parts.append(s)
            size += len(s) + 1
        description = " ".join(desc_parts)
        r = rng.random()
        if brand_names and r < 0.20:
            name = rng.choice(brand_names)
            mention = name if r < 0.15 else _disguise(name, rng)
            if rng.random() < 0.5:
                title = f"{mention} {title}"
            else:
                k = rng.randrange(5)
                bullets[k] = f"{bullets[k]} {mention}"
        out.append({"id": f"L{i}", "title": title, "bullets": bullets, "description": description})
    return out


def compose_titles(n: int, seed: int = 11, *, shared: Path = SHARED) -> list[dict]:
    rng = random.Random(seed)
    en_titles, zh_titles, _, _ = _pools(shared)
    return [{"id": f"T{i}", "title": rng.choice(zh_titles if rng.random() < 0.3 else en_titles)} for i in range(n)]


_SYLLABLES = ["ka", "ro", "mi", "ne", "lo", "va", "ti", "su", "be", "da", "xo", "ri", "po", "la", "ze", "fi", "gu", "ny", "qu", "ar", "el", "on", "is", "um", "ex", "tor", "van", "bel", "dor", "mar", "kin", "sol", "ray", "fen", "lux", "zen", "vor", "tal", "bri", "cor"]
_HAN = "安宝博辰达德菲格航恒华佳嘉捷金凯朗雷力利龙美米纳欧派琪瑞森盛时斯泰特威维沃祥欣雅耀逸优宇元越泽卓"


def _dictionary() -> set[str]:
    words: set[str] = set()
    for name in ("en_dictionary.txt", "en_dictionary_rare.txt"):
        with (ROOT / "data" / "wordlists" / name).open(encoding="utf-8") as fh:
            words.update(w.strip().lower() for w in fh if w.strip())
    return words


def synthetic_brands_csv(n: int, seed: int = 3) -> str:
    """n made-up brands in data/brands CSV format (Latin name, Chinese name, a sub-mark).

    Dictionary words are skipped: a curated list marks such names ordinary (`lists validate`
    insists), so a made-up "Fine" or "Label" would only add hits no real list produces."""
    rng = random.Random(seed)
    dictionary = _dictionary()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "aliases", "zh_names", "submarks", "ordinary", "categories", "tier", "owner", "nice_classes"])
    seen: set[str] = set()
    cats = ["apparel", "electronics", "toys", "home", "beauty", "sports", "kitchen", "automotive"]
    i = 0
    while i < n:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        if name.lower() in seen or name.lower() in dictionary:
            continue
        seen.add(name.lower())
        zh = "".join(rng.choice(_HAN) for _ in range(rng.randint(3, 4)))
        sub = name + " " + rng.choice(["Pro", "Max", "Air", "One", "Go", "Lite"])
        w.writerow([f"syn-{i}", name, "", zh, sub, "", rng.choice(cats), "standard", "synthetic", "25"])
        i += 1
    return buf.getvalue()


def data_dir_with_brands(extra: int, dest: Path) -> Path:
    """A copy of data/ plus `extra` synthetic brands (0: the shipped lists as they are)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "data", dest)
    if extra:
        (dest / "brands" / "zz_synthetic.csv").write_text(synthetic_brands_csv(extra), encoding="utf-8")
    return dest
