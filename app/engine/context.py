"""Listing context for brand candidates: the listing's category, evidence that an
ordinary-word brand name is meant as the brand, and compatibility statements.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from app.engine.automaton import Automaton
from app.engine.document import FieldDoc, Gap, Token
from app.engine.memory import remembered
from app.engine.models import NO_PRODUCT, Brand
from app.engine.normalize import fold, fold_name

# Words that start a compatibility statement when they come before a brand ("strong": the
# brand may come a few words later; "weak": the brand must follow at once).
STRONG_CUES = (
    ("compatible", "with"), ("compatible", "for"), ("fits",), ("fit", "for"), ("fits", "for"),
    ("works", "with"), ("work", "with"), ("replacement", "for"), ("designed", "for"),
    ("made", "for"), ("suitable", "for"), ("for", "use", "with"), ("swap", "with"),
    ("compatible",), ("replaces",), ("fit",),
)
WEAK_CUES = (("for",),)
# the cues filed under their last word, in list order (a phrase is tested against the cues
# that can end it only)
_STRONG_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _cue in STRONG_CUES:
    _STRONG_BY_LAST.setdefault(_cue[-1], []).append(_cue)
_WEAK_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _cue in WEAK_CUES:
    _WEAK_BY_LAST.setdefault(_cue[-1], []).append(_cue)
HAN_CUES = ("适用于", "适用", "兼容", "适配", "专用于", "用于", "匹配", "配")
COMPARISONS = frozenset({"like", "as", "than"})
SKIPPABLE = frozenset({"the", "a", "an", "your", "all", "most", "any", "both", "new", "old", "versions", "models", "generations", "of"})
CHAIN = frozenset({"and", "or", "amp", "plus"})
ACCESSORY_NOUNS = frozenset(
    ["case", "cases", "cover", "covers", "band", "bands", "strap", "straps", "charger", "chargers", "cable", "cables", "adapter", "adapters", "battery", "batteries", "protector", "protectors", "skin", "skins", "holder", "holders", "mount", "mounts", "stand", "stands", "dock", "docks", "filter", "filters", "refill", "refills", "parts", "accessories", "accessory", "replacement", "keyboard", "remote", "controller", "grips", "grip", "sleeve", "sleeves", "pouch", "tips", "cushions", "pads", "earpads", "bracket", "shell", "film", "lens", "lenses", "glass", "tempered", "hook", "hooks", "brush", "heads", "nozzle", "attachment", "attachments"]
)
# parts and consumables named before "for Brand" (floor mats for Ford, ink for HP, dust bags
# for Dyson): only there, since after a name many of them are licensed goods of the brand
# (a Disney lamp, Paw Patrol play mats, Frozen bags)
FIT_NOUNS = ACCESSORY_NOUNS | frozenset(
    ["mat", "mats", "liner", "liners", "flaps", "wiper", "wipers", "blade", "blades", "bulb", "bulbs",
     "headlight", "headlights", "light", "lights", "lamp", "lamps", "mirror", "mirrors", "rack", "racks",
     "hitch", "visor", "sunshade", "trim", "emblem", "emblems", "badge", "badges", "decal", "decals",
     "tire", "tires", "tyre", "tyres", "wheel", "wheels", "rims", "hubcaps", "plugs", "fob", "knob",
     "guard", "guards", "spoiler", "grille", "bumper", "cartridge", "cartridges", "toner", "ink", "belt",
     "belts", "bags", "pods", "capsules", "kit", "kits", "horn", "horns"]
)
HAN_ACCESSORIES = ("手机壳", "保护壳", "保护套", "钢化膜", "贴膜", "充电器", "数据线", "表带", "配件",
                   "替换", "电池", "耳机套", "支架", "手柄", "收纳包", "保护膜", "壳", "膜")
UNITS = frozenset(
    ["pcs", "pc", "pack", "packs", "piece", "pieces", "inch", "inches", "in", "ft", "feet", "oz", "ml", "l", "cm", "mm", "m", "kg", "g", "lb", "lbs", "w", "v", "mah", "hp", "count", "ct", "sets", "set", "gallon", "qt", "cell", "cells"]
)
# Words that say a branded product is meant: genuine, official, bought abroad for you.
BRAND_CONTEXT_LATIN = re.compile(r"(?<![a-z])(?:genuine|authentic|official|officially licensed)(?![a-z])")
BRAND_CONTEXT_HAN = ("正品", "官方", "旗舰", "专柜", "代购", "原装", "原厂", "正版", "行货", "国行", "港行", "授权")


def brand_context(doc: FieldDoc) -> str | None:
    """A word in the field that says a branded product is meant, if any."""
    t = doc.text
    m = BRAND_CONTEXT_LATIN.search(t)
    if m:
        return m.group()
    if doc.has_han:
        for w in BRAND_CONTEXT_HAN:
            if w in t:
                return w
    return None


HAN_UNITS = frozenset("个件斤只片寸包袋支盒套装克瓶条双米号码岁元张枚粒根台年月日天周人度层份升次")
_MODEL = re.compile(r"^(?=[a-z]*\d)[a-z0-9]{1,12}$")


_NO_CATEGORIES: frozenset[str] = frozenset()


def _word_ends(t: str, i: int) -> bool:
    """Does a Latin word end at t[i], or after a plural ending there (s, es)?"""
    for tail in ("", "s", "es"):
        j = i + len(tail)
        if t.startswith(tail, i) and (j >= len(t) or not (t[j].isascii() and t[j].isalnum())):
            return True
    return False


class CategoryMap:
    """Maps a seller's free-text category (English or Chinese), or the product words of a
    sentence of title or bullets, to product category ids: one Aho-Corasick pass over the
    folded text, remembered per text (a seller's category recurs in every row of a
    catalogue, a sentence in many listings)."""

    def __init__(self, keywords: dict[str, tuple[str, ...]]) -> None:
        self._cats: dict[str, set[str]] = {}
        for cat, words in keywords.items():
            for w in words:
                k = fold_name(w).strip()
                if k:
                    cats = self._cats.setdefault(k, set())
                    if cat != NO_PRODUCT:
                        cats.add(cat)
        self._ac = Automaton(self._cats)
        self._cache: dict[str, frozenset[str]] = {}
        self._shared: dict[frozenset[str], frozenset[str]] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_cache": {}, "_shared": {}}  # a snapshot starts with empty caches

    def categories(self, text: str | None) -> frozenset[str]:
        if not text:
            return _NO_CATEGORIES
        return remembered(self._cache, text, lambda: self._read(fold(text).text), 50_000)

    def clear(self) -> None:
        self._cache.clear()

    def is_product_word(self, folded: str) -> bool:
        """Is the folded text, as a whole, one of the product words (polo, boots, ring)?"""
        return bool(self._cats.get(folded))

    def word_categories(self, folded: str) -> frozenset[str]:
        """The categories of one product word as a whole (纸尿裤 is baby's, though 裤 in it is
        apparel's)."""
        cats = self._cats.get(folded)
        return frozenset(cats) if cats else _NO_CATEGORIES

    def _read(self, t: str) -> frozenset[str]:
        found: set[str] = set()
        hits = []
        for end, key in self._ac.iter(t):
            start = end - len(key) + 1
            # Latin keywords start at a word start ("cases" finds "case", "showcase" does not)
            # and end at a word end but for a plural ending ("card" and "Carribean" hold no "car")
            if key[0].isascii() and key[0].isalnum() and start > 0 and t[start - 1].isascii() and t[start - 1].isalnum():
                continue
            if key[-1].isascii() and key[-1].isalnum() and not _word_ends(t, end + 1):
                continue
            hits.append((start, end, key))
        for start, end, key in hits:
            # a keyword inside a longer one is that one's (裤 in 纸尿裤, diapers; 包 in 包邮,
            # free shipping, which names no product: see NO_PRODUCT; battery in laptop battery)
            if len(hits) > 1 and any(
                    a <= start and end <= b and b - a > end - start for a, b, _ in hits):
                continue
            found |= self._cats[key]
        if not found:
            return _NO_CATEGORIES
        out = frozenset(found)
        # one object per distinct set: every remembered text holds its set
        return self._shared.setdefault(out, out) if len(self._shared) < 4096 else out


def tokens_before(doc: FieldDoc, start: int, limit: int = 8) -> list[tuple[Token, int | None]]:
    """Up to `limit` tokens before a folded offset, nearest first, each with the gap after
    it (a Gap value)."""
    i = bisect_right(doc.ends, start) - 1
    out = []
    gaps = doc.gaps
    while i >= 0 and len(out) < limit:
        # only these tokens are made (a long sentence has hundreds)
        out.append((Token(doc.starts[i], doc.ends[i], doc.words[i]), gaps[i] if i < len(gaps) else None))
        i -= 1
    return out


def _quantity(token: str) -> bool:
    """3pcs, 500ml, 10pack: a number with a unit, not a model."""
    head = token.rstrip("abcdefghijklmnopqrstuvwxyz")
    return head.isdigit() and token[len(head):] in UNITS


# the patterns the checks below apply around a name (compiled once)
_HAN_MODEL = re.compile(r"([0-9][0-9a-z]{0,6}|[a-z]{1,3}[0-9][0-9a-z]{0,5})(?![0-9a-z])")
_DECIMAL = re.compile(r"\d+[.:]\d")
_NEXT_WORDS = re.compile(r"[\s,/]{0,3}([0-9a-z\-]{1,12})(?:\s{0,2}([a-z]{1,8}))?")
_ORIGINAL_WORD = re.compile(r"[A-Za-z0-9]+")
_COMPATIBLE_AFTER = re.compile(r"[\s\-]*compatible\b")
_NOT_HAN_AFTER = re.compile(r"[\s0-9a-z\-]")


# a word of two capitals or more, one space before a name
_CAPS_WORD_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z]{2,} $")


def model_follows(doc: FieldDoc, end: int, *, han: bool = False) -> bool:
    """A model designation right after the name: S24, V11, 15 Pro, XPS 13, OLED; for a
    Chinese name only one that is written straight after it (小米14, 苹果15pro)."""
    rest = doc.text[end:end + 16]
    if han:
        m = _HAN_MODEL.match(rest)
        if not m or _quantity(m.group(1)) or _DECIMAL.match(rest):
            return False
        return not rest[m.end(1):m.end(1) + 1] in HAN_UNITS
    m = _NEXT_WORDS.match(rest)
    if not m:
        return False
    first, nxt = m.group(1).strip("-"), (m.group(2) or "")
    if not first:
        return False
    if _MODEL.match(first) and not first.isdigit():
        return not _quantity(first)
    if first.isdigit():
        if "," in rest[:m.start(1)]:
            return False  # "finish, 2024": a number after a comma is a new item (a year, a count)
        after = rest[m.end(1):m.end(1) + 2].strip()
        return nxt not in UNITS and not (after[:1] == "%" or after[:1] in HAN_UNITS)
    orig_after = doc.original[doc.orig_span(end, end)[0]:][:16].strip()
    word = _ORIGINAL_WORD.match(orig_after)
    return bool(word and word.group().isupper() and 2 <= len(word.group()) <= 5)


_WORD = re.compile(r"[a-z0-9]+")


def _following_accessory(after: str) -> str | None:
    """An accessory noun after a name, past model designations and sizes only:
    "Pavilion DV4101AP Replacement", "VAIO VGN-NW270DB_90 90 Adapter", "iPhone 15 Case"."""
    for w in _WORD.findall(after, 0, 60)[:7]:
        if w in ACCESSORY_NOUNS:
            return w
        if not (len(w) <= 3 or w in UNITS or any(c.isdigit() for c in w)):
            return None
    return None


# statements of fit that make an everyday-word name of a brand that takes accessories the
# brand's ("charger compatible with Apple", "fits Google", "spare battery for Dell"): the
# strong cues, and "for" after an accessory's name
HAN_FIT_STATEMENTS = ("适用于", "适用", "兼容", "适配", "专用于")
_FIT_WORDS = re.compile(r"\b(?:" + "|".join(sorted({c[0] for c in STRONG_CUES} | {"for"}, key=len, reverse=True))
                        + r")\b|" + "|".join(HAN_FIT_STATEMENTS))


def states_fit(doc: FieldDoc) -> bool:
    """Does the sentence hold a word that begins a statement of fit at all? (Asked once per
    sentence: most hold none, and their names are not asked one by one.)"""
    return doc.remember(_STATES_FIT, lambda: _FIT_WORDS.search(doc.text) is not None)


_STATES_FIT = ("states fit",)


def _han_cue_before(doc: FieldDoc, start: int, cues: tuple[str, ...]) -> str | None:
    """The first of `cues` (Chinese) that the text right before `start` ends with."""
    before = doc.text[max(0, start - 6):start].rstrip()
    return next((cue for cue in cues if before.endswith(cue)), None)


def _phrase_before(doc: FieldDoc, start: int, limit: int = 8) -> list[str]:
    """The words before a folded offset in its phrase (up to `limit`), nearest last."""
    words: list[str] = []
    for tok, gap in tokens_before(doc, start, limit):
        if gap == Gap.BREAK:
            break
        words.append(tok.text)
    return words[::-1]


def fit_statement(doc: FieldDoc, start: int) -> str | None:
    """The statement of fit right before a name: "compatible with Apple", "fits Google",
    "battery for Dell", "适用于苹果"."""
    cue = _han_cue_before(doc, start, HAN_FIT_STATEMENTS)
    if cue is not None:
        return cue
    seq = _phrase_before(doc, start, 3)
    if not seq:
        return None
    for cue in _STRONG_BY_LAST.get(seq[-1], ()):
        if cue != ("fit",) and tuple(seq[-len(cue):]) == cue:  # slim fit, regular fit: a cut
            return " ".join(cue)
    if seq[-1] == "for" and len(seq) >= 2 and seq[-2] in FIT_NOUNS:
        return f"{seq[-2]} for"
    return None


def compatibility_cue(doc: FieldDoc, start: int, end: int, *, is_product_mark: bool, tech: bool,
                      parts: bool = False) -> str | None:
    """The cue that makes a brand mention at [start, end) a statement of fit, if any.
    `parts`: the brand's first trade is one whose goods take parts (PARTS_TRADES)."""
    # Han cue right before (适用小米, 適用 Switch)
    cue = _han_cue_before(doc, start, HAN_CUES)
    if cue is not None:
        return cue
    # Latin cues before, within the same phrase
    seq = _phrase_before(doc, start)
    for n_skip in range(len(seq)):
        head = seq[: len(seq) - n_skip]
        skipped = seq[len(seq) - n_skip:]
        if skipped and skipped[0] in COMPARISONS:
            continue  # "fits like a Nike": a comparison, not a statement of fit
        for cue in _STRONG_BY_LAST.get(head[-1], ()):
            if len(head) >= len(cue) and tuple(head[-len(cue):]) == cue:
                return " ".join(cue)
        weak = _WEAK_BY_LAST.get(head[-1])
        if weak and (is_product_mark or tech) and all(w in SKIPPABLE or w in CHAIN or _MODEL.match(w) for w in skipped):
            for cue in weak:
                if len(head) >= len(cue) and tuple(head[-len(cue):]) == cue:
                    return " ".join(cue)
    # a part named right before the name of a carmaker or an electronics maker, as catalogue
    # titles write a fit with no 'for' (Car Mat Hyundai i20, Dog Horn-Hyundai Xcent); not
    # before a franchise's name (Wall Decals Disney Frozen are its licensed goods)
    if parts and seq and seq[-1] in FIT_NOUNS:
        return seq[-1]
    # following cue: Dyson-compatible, "iPhone 15 Case", "适用" after? (Chinese after-cues)
    after = doc.text[end:end + 40]
    noun = _following_accessory(after)
    if _COMPATIBLE_AFTER.match(after):
        return "compatible"
    if noun and (is_product_mark or tech):
        return noun
    han_after = _NOT_HAN_AFTER.sub("", after[:16])
    for noun in HAN_ACCESSORIES:
        if han_after.startswith(noun) and (is_product_mark or tech):
            return noun
    return None


# the trades whose goods take parts named before the maker's name (see compatibility_cue),
# as a brand's first category
PARTS_TRADES = frozenset({"automotive", "phones", "computers", "electronics", "cameras", "audio",
                          "home_appliances"})
TECH_CATEGORIES = frozenset({"electronics", "phones", "computers", "audio", "cameras", "gaming",
                             "automotive", "home_appliances", "toys", "watches", "drinkware", "kitchen"})


def takes_parts(brand: Brand) -> bool:
    """Is the brand's first trade one whose goods take parts named before its name?"""
    return bool(brand.categories) and brand.categories[0] in PARTS_TRADES


def is_tech(brand: Brand) -> bool:
    """Brands whose products take third-party accessories and parts."""
    return bool(brand.category_set & TECH_CATEGORIES)


# the two words straight after a name, in the same phrase
_NEXT_TWO_WORDS = re.compile(r" {1,2}([a-z][a-z\-]*)(?: {1,2}([a-z][a-z\-]*))?")
# words that make the everyday word before them describe the product: a colour's name (dove
# grey, apple green), a pattern or a scent (crocodile pattern, leopard print, apple scented)
DESCRIBING = frozenset(
    ["grey", "gray", "green", "blue", "red", "pink", "white", "black", "brown", "yellow", "orange",
     "purple", "violet", "gold", "golden", "silver", "beige", "cream", "ivory", "tan", "navy", "teal",
     "cyan", "magenta", "khaki", "maroon", "burgundy", "rose", "mint", "olive", "coral", "lavender",
     "pattern", "patterned", "print", "printed", "prints", "style", "styled", "effect", "texture",
     "textured", "skin", "look", "shape", "shaped", "design", "motif", "themed", "theme", "scent",
     "scented", "flavour", "flavor", "flavoured", "flavored", "stripe", "striped", "embossed"]
)


# product words that name a whole trade or an occasion, not a product: "AS Sports", "Parrot
# Party Wear", "Trivial Pursuit Entertainment" say nothing of what the name makes
UMBRELLA_WORDS = frozenset(
    ["apparel", "clothing", "clothes", "fashion", "footwear", "sportswear", "activewear", "athletic", "outdoor",
     "camping", "hiking", "luxury", "designer", "electronics", "electronic", "audio", "video", "entertainment",
     "party", "collectibles", "anime", "movies", "sports", "sport", "fitness", "gym", "running", "cycling",
     "home", "household", "decor", "garden", "patio", "kitchen", "dining", "beauty", "cosmetics", "makeup",
     "skincare", "hair", "health", "medical", "wellness", "baby", "infant", "toddler", "nursery", "food",
     "grocery", "snacks", "gourmet", "beverages", "drinks", "automotive", "vehicle", "tools", "hardware",
     "pet", "pets", "office", "stationery", "travel", "photo", "photography", "gaming", "games", "game",
     "building", "computers", "mobile", "fragrance", "jewel", "accessories", "toys"]
)


def word_after(doc: FieldDoc, end: int) -> str | None:
    """The word straight after a name, in the same phrase."""
    m = _NEXT_TWO_WORDS.match(doc.text, end)
    return m.group(1) if m else None


def product_follows(doc: FieldDoc, end: int, categories: CategoryMap) -> tuple[str, frozenset[str]] | None:
    """The product word right after a name (one word, or two that are one product word),
    with the categories it names: "Canon camera", "Supreme hoodie", "Hydro Flask water
    bottle". Not after a describing word: "Dove grey cushion" is a cushion in dove grey,
    a "Crocodile pattern wallet" is patterned."""
    m = _NEXT_TWO_WORDS.match(doc.text, end)
    if m is None:
        return None
    first, second = m.groups()
    if first in DESCRIBING:
        return None
    # the product word straight after the name: a word between ("Prince fancy dress",
    # "Arm rail camera mount", "Clear face lotion") makes it another thing's product
    for words in (f"{first} {second}" if second else None, first):
        if words and words not in UMBRELLA_WORDS:
            for word in (words, words.removesuffix("s")):
                if categories.is_product_word(word):
                    return words, categories.word_categories(word)
    return None


# Chinese words of a furnishing or fashion style: a Chinese everyday-word name written next
# to one of them is the everyday word describing a style (现代简约 modern minimalist, 简约现代,
# 经典复古), not the brand, whatever the listing's trade
HAN_STYLE_WORDS = ("简约", "简洁", "中式", "欧式", "美式", "日式", "韩式", "北欧", "田园", "复古", "经典", "轻奢",
                   "奢华", "时尚", "典雅", "大气", "风格", "工业风", "极简", "新中式", "ins风", "港风", "法式", "意式")
_HAN_STYLE_AFTER = re.compile("|".join(sorted(HAN_STYLE_WORDS, key=len, reverse=True)))


def han_style_next_to(doc: FieldDoc, start: int, end: int) -> bool:
    """A style word written straight before or after a Chinese name (现代简约, 北欧现代)."""
    return bool(_HAN_STYLE_AFTER.match(doc.text, end)) or _han_cue_before(doc, start, HAN_STYLE_WORDS) is not None


# the styles of furnishing and dress a sentence names when it speaks of styles (美式圆桌
# 中式餐椅): among them 现代 is modern too, wherever it stands (not 经典 or 时尚, which any
# title says)
_HAN_STYLES_NAMED = re.compile("简约|极简|中式|欧式|美式|日式|韩式|北欧|田园|轻奢|工业风|法式|意式|复古")


def han_styles_named(doc: FieldDoc) -> bool:
    """Does the sentence name a style (中式, 北欧, 田园...) anywhere?"""
    return doc.remember(("styles",), lambda: _HAN_STYLES_NAMED.search(doc.text) is not None)


def han_product_follows(doc: FieldDoc, end: int, categories: CategoryMap) -> tuple[str, frozenset[str]] | None:
    """The product word written straight after a Chinese name (切尔西球衣, 北面冲锋衣), with
    the categories it names: the longest product word of two characters or more that the
    text goes on with."""
    m = _HAN_AFTER.match(doc.text, end)
    if m is None:
        return None
    rest = m.group()
    for size in range(len(rest), 1, -1):  # one character (包, 鞋) begins too many other words
        if categories.is_product_word(rest[:size]):
            return rest[:size], categories.word_categories(rest[:size])
    return None


# Chinese characters (and Latin letters: T恤) straight after a name, as far as the longest
# product word goes
_HAN_AFTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z]{1,6}")


def emphasised(doc: FieldDoc, start: int, end: int) -> bool:
    """Written in capitals while the field itself is not shouting, nor the words before it
    (ANT MAN: a phrase in capitals, not the name MAN set apart)."""
    o0, o1 = doc.orig_span(start, end)
    s = doc.original[o0:o1]
    return (len(s) >= 3 and s.isupper() and doc.caps_share < 0.5
            and _CAPS_WORD_BEFORE.search(doc.original, max(0, o0 - 24), o0) is None)


