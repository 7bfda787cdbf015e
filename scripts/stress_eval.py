"""Generalisation check: labelled listings generated from every brand the eval requires.

The dev set holds a few sentences per kind of disguise; the scorer also runs on listings we
never see. This script writes, for every brand of `../shared/eval/brands-required.csv`, the
kinds of case the product promises (the name plain, letter-spaced, in leetspeak, with a
lookalike letter, with a typo, as a sound-alike, fused with an affix; the Chinese name plain,
in Traditional form, with a homophone or a look-alike character, split, as pinyin, with a
derivative suffix) inside ordinary listing text of the brand's trade, plus negatives
(dictionary words one letter from a brand name; a brand that is an everyday word written
before a product of another trade; Chinese everyday words that hold a name: 三星级, 苹果醋),
and scores
them with the shared scorer's rules, in-process.

    .venv/bin/python scripts/stress_eval.py [--show 30] [--tag leet] [--write stress.jsonl]

Seeded: every run makes the same listings. The sentences are made here from templates; no
dev-set sentence is used. Read the misses before acting on a figure: a generated disguise
can be one no reader would take for the brand (a lookalike letter in a two-letter name).
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

# product words by category (the ids of data/categories.csv): (English nouns, Chinese nouns);
# a brand's listings name products of the first category our list files it under
_PRODUCTS: dict[str, tuple[list[str], list[str]]] = {
    "apparel": (["t-shirt", "hoodie", "jacket", "sweatshirt"], ["T恤", "卫衣", "外套", "夹克"]),
    "footwear": (["running shoes", "sneakers", "trainers", "slides"], ["运动鞋", "跑步鞋", "板鞋", "拖鞋"]),
    "sportswear": (["track jacket", "training shorts", "hoodie"], ["运动外套", "运动短裤", "卫衣"]),
    "outdoor": (["down jacket", "fleece jacket", "hiking backpack"], ["羽绒服", "抓绒外套", "登山包"]),
    "luxury": (["handbag", "leather wallet", "belt", "scarf"], ["手提包", "钱包", "皮带", "围巾"]),
    "bags": (["backpack", "tote bag", "handbag"], ["双肩包", "托特包", "手提包"]),
    "luggage": (["carry-on suitcase", "luggage set"], ["登机箱", "行李箱"]),
    "watches": (["automatic watch", "wrist watch", "chronograph"], ["机械表", "手表", "腕表"]),
    "jewelry": (["necklace", "bracelet", "earrings"], ["项链", "手链", "耳环"]),
    "eyewear": (["sunglasses", "eyeglass frames"], ["太阳镜", "眼镜框"]),
    "electronics": (["wireless charger", "bluetooth speaker", "power bank"], ["无线充电器", "蓝牙音箱", "充电宝"]),
    "phones": (["smartphone", "phone"], ["手机", "智能手机"]),
    "computers": (["laptop", "desktop computer", "tablet"], ["笔记本电脑", "台式机", "平板"]),
    "audio": (["headphones", "bluetooth speaker", "earbuds"], ["耳机", "蓝牙音箱", "音响"]),
    "cameras": (["camera", "camera lens"], ["相机", "镜头"]),
    "gaming": (["game controller", "gaming headset"], ["游戏手柄", "游戏耳机"]),
    "toys": (["building blocks set", "plush toy", "action figure"], ["积木", "毛绒玩具", "手办"]),
    "entertainment": (["plush toy", "graphic t-shirt", "backpack"], ["毛绒公仔", "印花T恤", "书包"]),
    "sports": (["jersey", "football", "training shirt"], ["球衣", "足球", "训练服"]),
    "drinkware": (["tumbler", "insulated water bottle", "travel mug"], ["保温杯", "水杯", "随行杯"]),
    "kitchen": (["cookware set", "stand mixer", "knife set"], ["锅具套装", "厨师机", "刀具套装"]),
    "home_appliances": (["vacuum cleaner", "hair dryer", "air fryer"], ["吸尘器", "吹风机", "空气炸锅"]),
    "home": (["bedding set", "storage box"], ["床上用品", "收纳盒"]),
    "beauty": (["lipstick", "foundation", "perfume"], ["口红", "粉底液", "香水"]),
    "personal_care": (["shampoo", "body lotion", "toothpaste"], ["洗发水", "身体乳", "牙膏"]),
    "health": (["vitamin gummies", "pain relief tablets"], ["维生素软糖", "止痛片"]),
    "baby": (["baby bottle", "diapers"], ["奶瓶", "纸尿裤"]),
    "food": (["chocolate bar", "snack box"], ["巧克力", "零食礼盒"]),
    "beverages": (["energy drink", "coffee beans", "soda"], ["能量饮料", "咖啡豆", "汽水"]),
    "automotive": (["car floor mats", "car seat covers"], ["汽车脚垫", "汽车座套"]),
    "tools": (["cordless drill", "tool set"], ["电钻", "工具套装"]),
    "pet": (["dog food", "cat litter"], ["狗粮", "猫砂"]),
    "stationery": (["gel pens", "notebook"], ["中性笔", "笔记本"]),
}
# trades that sell each other's products (a tech brand's bag, a sports brand's shoes; an
# electronics maker's phone)
_CLOSE_GROUPS = ({"apparel", "footwear", "sportswear", "outdoor", "sports", "bags", "luxury", "entertainment", "toys"},
                 {"electronics", "phones", "computers", "audio", "cameras", "gaming", "home_appliances"})


def _close(category: str, mine: list[str]) -> bool:
    """Is `category` one of the brand's trades or close to one?"""
    return category in mine or any(category in g and g & set(mine) for g in _CLOSE_GROUPS)
# trades whose products take third-party accessories and parts
_FITTED = {"electronics", "phones", "computers", "audio", "cameras", "gaming", "automotive", "home_appliances",
           "kitchen", "watches", "wearables", "drinkware"}
_ACCESSORIES = ["replacement charger", "protective case", "screen protector", "silicone cover", "replacement filter",
                "mounting bracket", "spare battery", "carrying pouch"]
_CUES = ["for", "compatible with", "fits", "replacement for", "designed for"]
_ZH_ACCESSORIES = ["手机壳", "充电器", "保护套", "数据线", "配件", "替换滤网"]
_EN_TAILS = ["for men and women, gift box", "2024 new edition, black", "lightweight, size M",
             "premium quality, grey", "classic design, blue"]
_ZH_TAILS = ["2024新款 男女同款", "加厚 黑色", "官方旗舰 送礼", "春夏新品 白色", "经典款 大容量"]
_FILLER_EN = ["Made of durable materials for everyday use.", "Easy to clean and simple to store.",
              "Ships in a protective box with a gift card.", "Please check the size chart before ordering."]
_FILLER_ZH = ["做工精细，品质保证。", "支持七天无理由退换。", "多色可选，欢迎咨询。"]

_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "l": "1", "t": "7"}
_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "k": "κ", "n": "ո"}
_SOUND = [("ph", "f"), ("ck", "k"), ("c", "k"), ("k", "c"), ("y", "i"), ("i", "y"), ("x", "ks"),
          ("ee", "ea"), ("oo", "u"), ("s", "z"), ("qu", "kw"), ("er", "ur")]


def _products(categories: list[str]) -> tuple[list[str], list[str]]:
    for c in categories:
        if c in _PRODUCTS:
            return _PRODUCTS[c]
    return ["gift set"], ["礼盒"]


def _letters(name: str) -> bool:
    return name.isascii() and name.replace(" ", "").isalpha()


def _latin_mentions(name: str, rng: random.Random) -> dict[str, str]:
    """Disguises of a Latin name, by kind (kinds that make no sense for it are left out)."""
    low = name.lower()
    out = {"exact": name}
    if not _letters(name) or len(low.replace(" ", "")) < 4:
        return out
    word = low.replace(" ", "")
    out["case_space"] = rng.choice([" ".join(word.upper()), ".".join(word.upper()),
                                    name[: len(name) // 2] + "-" + name[len(name) // 2:]])
    spots = [i for i, c in enumerate(name) if c.lower() in _LEET and i > 0]
    if spots:
        i = rng.choice(spots)
        out["leet"] = name[:i] + _LEET[name[i].lower()] + name[i + 1:]
    spots = [i for i, c in enumerate(name) if c in _LOOKALIKE]
    if spots:
        i = rng.choice(spots)
        out["homoglyph"] = name[:i] + _LOOKALIKE[name[i]] + name[i + 1:]
    if len(word) >= 6 and " " not in name:
        i = rng.randrange(1, len(name) - 2)
        kind = rng.randrange(3)
        if kind == 0 and name[i] != name[i + 1]:
            out["typo"] = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        elif kind == 1:
            out["typo"] = name[:i] + name[i + 1:]
        else:
            out["typo"] = name[:i] + name[i] + name[i:]
    if len(word) >= 5 and " " not in name:
        for a, b in rng.sample(_SOUND, len(_SOUND)):
            j = low.find(a, 1)
            if j > 0:
                out["homophone_en"] = name[:j] + b + name[j + len(a):]
                break
    if " " not in name:
        out["derivative"] = rng.choice([name + "style", name + "-inspired", name + "-like"])
    return out


def _shape_groups() -> dict[str, str]:
    """Character -> the other characters that look like it (data/zh_shapes.txt: the same
    table the engine reads, so this kind checks the matching around it, not its coverage)."""
    out: dict[str, str] = {}
    for line in (ROOT / "data" / "zh_shapes.txt").open(encoding="utf-8"):
        group = line.strip()
        if group and not group.startswith("#"):
            for c in group:
                out[c] = group.replace(c, "")
    return out


def _zh_mentions(zh: str, rng: random.Random, homophones: dict[str, list[str]], t2s, s2t,
                 shapes: dict[str, str]) -> dict[str, str]:
    from pypinyin import lazy_pinyin

    out = {"zh_name": zh}
    if len(zh) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in zh):
        return out
    trad = s2t.convert(zh)
    if trad != zh:
        out["zh_traditional"] = trad
    spots = [i for i, c in enumerate(zh) if homophones.get(lazy_pinyin(c)[0], [])]
    if spots:
        i = rng.choice(spots)
        options = [c for c in homophones[lazy_pinyin(zh[i])[0]] if c != zh[i] and c != t2s.convert(zh[i])]
        if options:
            out["zh_homophone"] = zh[:i] + rng.choice(options[:6]) + zh[i + 1:]
    spots = [i for i, c in enumerate(zh) if shapes.get(c)]
    if spots and len(zh) >= 3:  # one look-alike in a two-character name is too loose to report
        i = rng.choice(spots)
        out["zh_shape"] = zh[:i] + rng.choice(shapes[zh[i]]) + zh[i + 1:]
    sep = rng.choice(["-", "★", " ", "·", "*"])
    out["zh_split"] = sep.join(zh)
    py = "".join(lazy_pinyin(zh))
    if len(py) >= 6:
        out["pinyin"] = py
    out["zh_derivative"] = zh + rng.choice(["同款", "风", "式", "款"])
    return out


def _common_han(limit: int = 4000) -> list[str]:
    """Common single Han characters, most frequent first (from jieba's dictionary)."""
    import jieba

    freq: dict[str, int] = defaultdict(int)
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, count = line.split()[:2]
            for c in word:
                freq[c] += int(count)
    return sorted(freq, key=freq.get, reverse=True)[:limit]


def _everyday_words(min_freq: int = 20) -> list[str]:
    """jieba's dictionary words of two characters or more counted `min_freq` times or more,
    but names (its tags for people, places, organisations and other proper nouns:
    苹果电脑公司 is Apple)."""
    import jieba

    out = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, count, tag = line.split()[:3]
            if len(word) >= 2 and int(count) >= min_freq and tag not in ("nr", "nrt", "nrfg", "ns", "nt", "nz"):
                out.append(word)
    return out


def _category_keywords() -> dict[str, set[str]]:
    """Category id -> its product words (data/categories.csv)."""
    return {row["id"]: {k for k in row["keywords"].split("|") if k}
            for row in csv.DictReader((ROOT / "data" / "categories.csv").open(encoding="utf-8"))}


def _everyday_zh_names(words: set[str]) -> dict[str, set[str]]:
    """Brand name (casefolded) -> its Chinese names that our lists flag as everyday words
    and jieba's dictionary holds as words of their own."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "data" / "brands").glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            out.setdefault(row["name"].casefold(), {n for n in row["ordinary"].split("|") if n in words})
    return out


def _filed_categories() -> dict[str, list[str]]:
    """Brand name (casefolded) -> the categories our lists file it under."""
    out: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "brands").glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            out.setdefault(row["name"].casefold(), row["categories"].split("|"))
    return out


def generate(seed: int = 5) -> list[dict]:
    import opencc
    from pypinyin import lazy_pinyin
    from rapidfuzz.distance import DamerauLevenshtein

    rng = random.Random(seed)
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    homophones: dict[str, list[str]] = defaultdict(list)
    for c in _common_han():
        homophones[lazy_pinyin(c)[0]].append(c)
    brands = list(csv.DictReader((SHARED / "eval" / "brands-required.csv").open(encoding="utf-8")))
    every_name = {n.strip().lower() for b in brands for n in [b["name"], *b["aliases"].split("|")] if n.strip()}
    dictionary = [w.strip() for w in (ROOT / "data" / "wordlists" / "en_dictionary.txt").open(encoding="utf-8")
                  if w.strip().isalpha() and w.strip().islower()]
    by_len: dict[int, list[str]] = defaultdict(list)
    for w in dictionary:
        by_len[len(w)].append(w)
    words = set(dictionary)

    filed = _filed_categories()
    shapes = _shape_groups()
    zh_words = _everyday_words(5)
    keywords = _category_keywords()
    products = set().union(*keywords.values())
    every_zh = {z for b in brands for z in b["zh_names"].split("|") if z}
    everyday_zh = _everyday_zh_names(set(zh_words))
    out: list[dict] = []

    def add(tags: list[str], title: str, expect: list[list[str]], lang: str, why: str, description: str = "",
            compatibility: list[str] | None = None) -> None:
        out.append({"id": f"s{len(out):05d}", "lang": lang, "category": "", "title": title, "bullets": [],
                    "description": description,
                    "expect": {"brands": expect, "sensitive": [], "compatibility": compatibility or []},
                    "tags": tags, "why": why})

    for b in brands:
        # one generator per brand: a kind added or changed for one brand leaves the other
        # brands' listings as they were
        rng = random.Random(f"{seed}|{b['name']}")
        group = [b["name"], *[a for a in b["aliases"].split("|") if a], *[z for z in b["zh_names"].split("|") if z]]
        en, zh = _products(filed.get(b["name"].casefold(), []))
        for kind, mention in _latin_mentions(b["name"], rng).items():
            noun, tail = rng.choice(en), rng.choice(_EN_TAILS)
            if rng.random() < 0.7:
                add([kind], f"{mention} {noun.title()}, {tail}", [group], "en", f"{kind}: {mention!r}",
                    rng.choice(_FILLER_EN))
            else:
                add([kind, "body_only"], f"{noun.title()}, {tail}", [group], "en", f"{kind} in the description: {mention!r}",
                    f"{rng.choice(_FILLER_EN)} Original {mention} {noun}, made to last.")
        for z in [z for z in b["zh_names"].split("|") if z and t2s.convert(z) == z][:2]:
            for kind, mention in _zh_mentions(z, rng, homophones, t2s, s2t, shapes).items():
                noun, tail = rng.choice(zh), rng.choice(_ZH_TAILS)
                add([kind], f"{mention}{noun} {tail}", [group], "zh-Hans", f"{kind}: {mention!r}", rng.choice(_FILLER_ZH))
            # negatives: an everyday word that holds the name (三星级, 小米粥), standing alone;
            # not one whose rest is a product word (苹果手机) or a derivative suffix
            holders = [w for w in zh_words if z in w and w != z and w not in every_zh
                       and w.replace(z, "", 1) not in products
                       and not w.replace(z, "", 1).startswith(("同款", "风", "式", "款"))
                       and not w.endswith(("公司", "集团", "队", "俱乐部"))]
            for w in rng.sample(holders, min(2, len(holders))):
                add(["hard_negative_zh"], f"{w} {rng.choice(_ZH_TAILS)}", [], "zh-Hans",
                    f"{w!r} is an everyday word that holds {z!r}", rng.choice(_FILLER_ZH))
        # sub-marks and aliases as written (the list's coverage hints), those that are no
        # everyday word: "Stan Smith trainers"
        for alias in [a for a in b["aliases"].split("|") if a and a.lower() not in words][:3]:
            noun, tail = rng.choice(en), rng.choice(_EN_TAILS)
            add(["submark"], f"{alias} {noun.title()}, {tail}", [group], "en", f"sub-mark or alias {alias!r}",
                rng.choice(_FILLER_EN))
        # compatibility: an accessory for a product of a brand whose products take them
        trade = set(filed.get(b["name"].casefold(), []))
        if trade & _FITTED and _letters(b["name"].replace("-", "").replace(".", "")):
            acc, cue = rng.choice(_ACCESSORIES), rng.choice(_CUES)
            add(["compatibility"], f"{acc.title()} {cue} {b['name']}, {rng.choice(_EN_TAILS)}", [group], "en",
                f"an accessory {cue} {b['name']}", compatibility=[b["name"]])
            zh_names = [z for z in b["zh_names"].split("|") if z and t2s.convert(z) == z]
            if zh_names:
                add(["compatibility", "zh"], f"适用于{zh_names[0]}{rng.choice(_ZH_ACCESSORIES)} {rng.choice(_ZH_TAILS)}",
                    [group], "zh-Hans", f"an accessory for {zh_names[0]}", compatibility=[b["name"]])
        # negatives: dictionary words one edit from the name
        low = b["name"].lower()
        if _letters(low) and len(low) >= 4 and " " not in low:
            near = [w for w in by_len[len(low)] + by_len[len(low) + 1] + by_len[len(low) - 1]
                    if w != low and w not in every_name and DamerauLevenshtein.distance(w, low) == 1]
            for w in rng.sample(near, min(2, len(near))):
                noun, tail = rng.choice(en), rng.choice(_EN_TAILS)
                add(["near_word_en"], f"{noun.title()} with {w} finish, {tail}", [], "en", f"{w!r} is a word, one edit from {b['name']}")
        # negatives: a brand that is an everyday word, written first, before a product of
        # a trade it is not in (Coach whistle, Puma plush toy, Dove figurine)
        # (not a franchise: its name before any product is merchandise, a Minions notebook;
        # nor a product word its own trades use too: an Intel notebook is a laptop)
        mine = filed.get(b["name"].casefold(), [])
        if low in words and _letters(low) and " " not in low and mine[:1] != ["entertainment"]:
            own = {k for c in mine for k in keywords.get(c, ())}
            other = [c for c in _PRODUCTS if not _close(c, mine)]
            noun = rng.choice([n for n in _PRODUCTS[rng.choice(other)][0] if n not in own] or ["gift set"])
            add(["word_first_en"], f"{b['name']} {noun.title()}, {rng.choice(_EN_TAILS)}", [], "en",
                f"{b['name']!r} as a word before a product it does not make")
        # the same in Chinese: a Chinese name that is an everyday word (苹果, 小米, 北面)
        # straight before a product of a trade the brand is not in
        if mine[:1] != ["entertainment"]:
            own = {k for c in mine for k in keywords.get(c, ())}
            other = [c for c in _PRODUCTS if not _close(c, mine)]
            for z in [z for z in b["zh_names"].split("|") if z in everyday_zh.get(b["name"].casefold(), ())][:1]:
                noun = rng.choice([n for n in _PRODUCTS[rng.choice(other)][1] if n not in own] or ["礼盒"])
                add(["word_first_zh"], f"{z}{noun} {rng.choice(_ZH_TAILS)}", [], "zh-Hans",
                    f"{z!r} as a word before a product its brand does not make")
    return out


def evaluate(engine, records: list[dict]) -> dict:
    """The shared scorer's report on the engine's screenings of the records (in-process)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_dev import load_scorer

    from app.engine import Listing

    score = load_scorer(SHARED / "eval" / "score.py")
    results = {r["id"]: engine.screen(Listing(id=r["id"], title=r["title"], bullets=tuple(r["bullets"]),
                                              description=r["description"])).to_dict() for r in records}
    return score.evaluate(records, results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", type=int, default=25, help="misses and false alarms to print per tag")
    ap.add_argument("--tag", help="only print misses/false alarms of this tag")
    ap.add_argument("--write", type=Path, help="write the generated listings as JSONL")
    args = ap.parse_args()
    from app.lists import build_engine

    records = generate()
    if args.write:
        args.write.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    rep = evaluate(build_engine(), records)
    by_id = {r["id"]: r for r in records}
    for t, v in sorted(rep["recall_by_tag"].items()):
        print(f"  recall {t:16s} {v['found']:4d}/{v['expected']:<4d} {v['recall']:.3f}")
    for t, v in sorted(rep["false_alarm_rate_by_tag"].items()):
        print(f"  false-alarm {t:11s} {v['records_flagged']:4d}/{v['records']:<4d} {v['rate']:.3f}")
    shown: dict[str, int] = defaultdict(int)
    for title, rows in (("misses", rep["misses"]), ("false alarms", rep["false_alarms"])):
        print(f"{title} ({len(rows)}):")
        for rid, what, tags in rows:
            tag = tags[0]
            if (args.tag and tag != args.tag) or shown[tag] >= args.show:
                continue
            shown[tag] += 1
            r = by_id[rid]
            print(f"   {tag:14s} {str(what)[:30]:30s} | {r['title'][:60]} | {r['description'][:50]}")
    b, c = rep["brand"], rep["compatibility"]
    print(f"brand P={b['precision']:.3f} R={b['recall']:.3f} | compatibility {c['recognised']}/{c['expected']}"
          f" over {len(records)} generated listings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
