"""The screening engine: built once from the lists, then screens listings from many threads.

Pipeline per listing: prepare each field once; every brand matcher proposes candidates;
context decides which candidates are meant as the brand (evidence for ordinary-word names,
compatibility statements, the seller's own and authorised brands); one rule resolves
overlaps; sensitive terms are found alongside; severities make the verdict and risk score.
"""
from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

from app.engine.brand_index import BrandIndex, Role
from app.engine.brand_matchers import (
    ALL_MATCHERS,
    BrandMatcher,
    Candidate,
    LatinNameMatcher,
)
from app.engine.context import (
    DESCRIBING,
    CategoryMap,
    brand_context,
    compatibility_cue,
    emphasised,
    fit_statement,
    han_product_follows,
    han_style_next_to,
    han_styles_named,
    is_tech,
    model_follows,
    product_follows,
    states_fit,
    takes_parts,
    word_after,
)
from app.engine.document import FieldDoc, Gap, split_words
from app.engine.gate import Gate
from app.engine.memory import remembered
from app.engine.models import (
    Brand,
    BrandRef,
    Field,
    Hit,
    HitKind,
    Listing,
    Lists,
    MatchType,
    Screening,
    Severity,
    Tier,
    Usage,
    Verdict,
)
from app.engine.normalize import fold
from app.engine.policy import HIT_CHECKS, check_field
from app.engine.sensitive import SensitiveMatcher

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Two names separated only by list punctuation or a conjunction: "Mickey Mouse, Bluey", "LV and Gucci".
_LIST_JOINER = re.compile(r"^\s{0,2}(?:,|，|、|/|&|\+|and|or|und|et|和|与)\s{0,2}$")

# Brands whose sub-marks are characters, recognisable on their own in the brand's field.
CHARACTER_CATEGORIES = frozenset({"entertainment", "toys", "gaming"})
# what licensed merchandise of a character or a franchise is: clothes, bags, toys, school
# things, mugs, bedding (not food or electronics, which need the brand's own trade)
MERCHANDISE = frozenset({"apparel", "bags", "toys", "entertainment", "stationery", "drinkware", "home"})

# what a character's own likeness is sold as: toys and figures, costumes (entertainment)
_CHARACTER_GOODS = frozenset({"toys", "entertainment"})

_NAME_MATCHER = LatinNameMatcher()

NUMBERS = frozenset(str(n) for n in range(10_000))  # quantities, sizes, prices, years

SEVERITY_WEIGHT = {Severity.HIGH: 0.7, Severity.MEDIUM: 0.3, Severity.LOW: 0.05}
SEVERITY_RANK = {Severity.HIGH: 2, Severity.MEDIUM: 1, Severity.LOW: 0}


@dataclass(slots=True)
class Segment:
    """A sentence of a field with what the matchers found in it."""

    doc: FieldDoc                      # the sentence, prepared
    base: int                          # its offset in the field's original text
    brand: list[Candidate]
    sensitive: list                    # SensitiveMatch


@dataclass(frozen=True, slots=True)
class ListingContext:
    categories: frozenset[str]      # the seller's category, or read from the text when none is given
    any_categories: frozenset[str]  # the seller's and the text's together
    from_brands: bool = False       # neither given: taken from the brands the listing names


@dataclass(frozen=True, slots=True)
class Resources:
    """Reference data the engine needs besides the curated lists."""

    common_words: frozenset[str]      # frequent English words: never typos of a brand
    dictionary_words: frozenset[str]  # lower-case dictionary words: a brand name among them is a common word
    shape_file: Path
    category_keywords: dict[str, tuple[str, ...]]
    rare_words: frozenset[str] = frozenset()  # rarer dictionary words: a typo reading of one is loose


class Engine:
    def __init__(self, lists: Lists, resources: Resources, *,
                 matchers: tuple[BrandMatcher, ...] = ALL_MATCHERS, cache_size: int = 50_000) -> None:
        t0 = time.perf_counter()
        self.lists = lists
        self.version = lists.version
        self.index = BrandIndex(lists.brands, common_words=resources.common_words, shape_file=resources.shape_file,
                                dictionary_words=resources.dictionary_words, rare_words=resources.rare_words,
                                product_words=[k for ks in resources.category_keywords.values() for k in ks])
        self.sensitive = SensitiveMatcher(lists.terms, lists.exemptions)
        self.categories = CategoryMap(resources.category_keywords)
        self.dictionary = resources.dictionary_words
        self.policies_by_field: dict[Field, list] = {}
        for rule in lists.policies:
            self.policies_by_field.setdefault(rule.field, []).append(rule)
        self.matchers = matchers
        self.gate = Gate(matchers, self.index)
        # the words most listings are made of: frequent English words and numbers
        self.gate.seed_vocabulary(resources.common_words | NUMBERS)
        # allowlisted phrases, longest first so the longest one containing a hit is named
        phrases = sorted({p for p in lists.allow if p.strip()}, key=lambda p: (-len(p), p))
        self._allow = re.compile("|".join(re.escape(p) for p in phrases), re.IGNORECASE) if phrases else None
        self._allow_names = {p.casefold(): p for p in phrases}
        self._cache_size = cache_size
        self._chunk_cache: dict[str, tuple] = {}
        self._own_cache: dict[str, frozenset[str]] = {}
        self._policy_cache: dict[tuple[str, str], list] = {}
        self.build_seconds = time.perf_counter() - t0
        self.source = "built"  # or "snapshot" (app.engine.snapshot.load)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_chunk_cache": {}, "_own_cache": {},
                "_policy_cache": {}}  # a snapshot starts empty

    def snapshot_parts(self) -> list:
        """Large parts that refer to nothing else in the engine, for a snapshot to store
        apart (see snapshot.save): the Latin trie, pickled as 36 MB of bytes at 100,000
        brands."""
        return [self.index.latin_trie] if self.index.latin_trie is not None else []

    # ---- public -------------------------------------------------------------------
    def screen(self, listing: Listing, *, explain: bool = False) -> Screening:
        """Screen one listing. With `explain`, hits that were found but not reported (the
        seller's own brand, allowlisted phrases) come back in `suppressed` with the reason."""
        t0 = time.perf_counter()
        suppressed: list[tuple[Hit, dict]] | None = [] if explain else None
        segments, product_words = self._segments(listing)
        sensitive = self._sensitive_hits(segments)
        # hits inside the seller's own brand name are not risks: sensitive words ("Sale Funda",
        # "Best Choice Products" are names, not claims) nor brand names ("Big Cherry" is not
        # Cherry, "Sylvanian Families" is not Sylvania)
        own_brand = _own_brand_pattern(listing.brand.strip()) if listing.brand else None
        mine = lambda _text: {"kind": "own_brand", "brand": listing.brand}
        if own_brand is not None:
            sensitive = _drop_inside(listing, sensitive, own_brand, suppressed, mine)
        contact: dict[tuple[Field, int | None], bytearray] = {}
        for h in sensitive:
            if h.category == "contact_info":
                mask = contact.setdefault((h.field, h.index), bytearray(h.end + 1))
                if len(mask) < h.end:
                    mask.extend(bytes(h.end - len(mask)))
                mask[h.start:h.end] = b"\x01" * (h.end - h.start)
        # a brand named as part of contact details (WhatsApp +852 ...) is reported as contact info
        brands = [h for h in self._brand_hits(listing, segments, product_words, suppressed)
                  if (h.field, h.index) not in contact or contact[(h.field, h.index)].find(1, h.start, h.end) == -1]
        if own_brand is not None:
            brands = _drop_inside(listing, brands, own_brand, suppressed, mine)
        if self._allow is not None:
            brands = self._allowed(listing, brands, suppressed)
            sensitive = self._allowed(listing, sensitive, suppressed)
        hits = brands + sensitive + self._policy_hits(listing, brands)
        hits.sort(key=lambda h: (_FIELD_ORDER[h.field], h.index or 0, h.start, h.end))
        verdict, risk = verdict_and_risk(hits)
        if suppressed:
            suppressed.sort(key=lambda hs: (_FIELD_ORDER[hs[0].field], hs[0].index or 0, hs[0].start, hs[0].end))
        return Screening(listing.id, verdict, risk, hits, self.version, (time.perf_counter() - t0) * 1000,
                         suppressed or [])

    def screen_warmup(self) -> None:
        """Run every matcher once so lazy set-up happens before the first request."""
        self.screen(Listing(title="Warm-up R0lex Rolexy 彪马同款 劳刀士 shoes", bullets=("free shipping",)))

    def _checked(self, rule, text: str) -> list:
        """A policy rule's findings on a field text, remembered per rule and text (the same
        bullets recur across a catalogue)."""
        key = (rule.id, text)
        found = self._policy_cache.get(key)
        if found is None:
            if len(self._policy_cache) >= self._cache_size:
                self._policy_cache.clear()
            found = check_field(rule, text)
            if self._cache_size:
                self._policy_cache[key] = found
        return found

    def _allowed(self, listing: Listing, hits: list[Hit], suppressed: list | None) -> list[Hit]:
        """Drop hits that lie inside an allowlisted phrase ("Applewood" keeps "Apple" inside
        it from firing; "Apple" on its own still does)."""
        return _drop_inside(listing, hits, self._allow, suppressed,
                            lambda text: {"kind": "allowlist", "phrase": self._allow_names.get(text.casefold(), text)})

    def _segments(self, listing: Listing) -> tuple[list[Segment], frozenset[str]]:
        """The listing's fields cut into sentences, each matched once and remembered: the
        same sentence in many listings (shared bullets, boilerplate) is matched only once.
        Returns the sentences with something found, and the product categories that the
        words of the title and bullets name (read per sentence too)."""
        out: list[Segment] = []
        product_words: frozenset[str] = frozenset()
        cache = self._chunk_cache
        for fld, index, text in listing.fields():
            for base, chunk in split_chunks(text):
                found = cache.get(chunk) if self._cache_size else None
                if found is None:
                    folded = fold(chunk)
                    parts = split_words(folded.text)
                    run = self.gate.plan(folded.text, parts[1::2])
                    sens = self.sensitive.find_text(folded.text)
                    if run or sens:
                        doc = FieldDoc.build(fld, index, chunk, folded, parts)
                        cands = [c for m in run for c in m.find(doc, self.index)]
                        found = (doc if cands or sens else None, cands, sens)
                    else:
                        found = _NOTHING
                    if self._cache_size:
                        if len(cache) >= self._cache_size:
                            cache.clear()
                        cache[chunk] = found
                doc, cands, sens = found
                if fld in _PRODUCT_FIELDS:
                    product_words |= self.categories.categories(chunk)
                if doc is None:
                    continue
                if doc.field != fld or doc.index != index:
                    doc = doc.remember(("as", fld, index), partial(doc.for_field, fld, index))
                out.append(Segment(doc, base, cands, sens))
        return out, product_words

    def clear_cache(self) -> None:
        self._chunk_cache.clear()
        self._own_cache.clear()
        self._policy_cache.clear()
        self.gate.clear()
        self.categories.clear()
        self.index.token_cache.clear()
        self.index.boundaries.clear()

    def stats(self) -> dict[str, int | str]:
        return {
            "list_version": self.version,
            "brands": len(self.lists.brands),
            "marks": self.index.mark_count,
            "terms": self.sensitive.term_count,
            "policies": len(self.lists.policies),
        }

    # ---- brands -------------------------------------------------------------------
    def _brand_hits(self, listing: Listing, segments: list[Segment], text_cats: frozenset[str],
                    suppressed: list[tuple[Hit, dict]] | None = None) -> list[Hit]:
        """Brand hits of the listing; the seller's own brand goes to `suppressed` instead.
        `text_cats`: the categories the product words of its title and bullets name."""
        docs = [seg.doc for seg in segments]
        per_doc = [seg.brand for seg in segments]

        own = self._own_brands(listing.brand) if listing.brand else frozenset()
        own_text = listing.brand.casefold().strip() if listing.brand else None
        authorized = self.index.resolve_brand_names(list(listing.authorized_brands))
        # the seller's category, or else the one read from the product words of title and bullets
        cats = self.categories.categories(listing.category) or text_cats
        # brands named unambiguously somewhere in the listing: evidence for their ambiguous names
        plain: set[str] = set()
        named_plainly: dict[str, Brand] = {}  # written as they are (not in disguise)
        names_seen: dict[str, set[str]] = {}  # distinct keys seen per brand, ambiguous ones too
        preps = [self._prepared(doc, cands) for doc, cands in zip(docs, per_doc)]
        for prep in preps:
            for brand_id, key in prep.seen:
                names_seen.setdefault(brand_id, set()).add(key)
            plain.update(prep.plain)
            named_plainly.update(prep.named_plainly)
        guessed = not cats and not text_cats
        if guessed:
            # no category given or read from the words: the brands the listing plainly
            # names tell what kind of product it is (a LEGO set is a toy)
            for b in [*(self.index.by_id[i] for i in own), *named_plainly.values()]:
                cats |= b.core_categories
        context = ListingContext(cats, cats | text_cats, from_brands=guessed)

        # a listing about vehicles or their scale models, where a carmaker's name is followed by its model
        # (as the seller's category or the words say, not as guessed from the brands named)
        read_cats = self.categories.categories(listing.category) | text_cats
        vehicles = bool(read_cats & _VEHICLE_GOODS)
        hits: list[Hit] = []
        for seg, doc, cands, prep in zip(segments, docs, per_doc, preps):
            kept: list[tuple[Candidate, list[str]]] = []
            mine: list[tuple[Candidate, list[str]]] = []
            for c, ambiguous, grounds, word, joined, surface in zip(cands, prep.ambiguous, prep.grounds, prep.word,
                                                                    prep.joined, prep.surfaces):
                if c.entry.brand.id in own or (own_text and surface == own_text):
                    mine.append((c, []))
                    continue
                if word:
                    continue  # the text is a word here, not the name (see _not_a_name)
                if vehicles and _model_of_carmaker(doc, c, prep.near):
                    continue  # Honda Brio, Maruti Baleno, Ford Escort: the carmaker's model
                if (joined or (c.match in _LOOSE_READINGS and c.entry.key.isascii())) and not self._may_read(
                        c, read_cats):
                    continue  # cat-eye sunglasses, Nivia t-shirts: a loose reading off the brand's trades
                evidence = self._evidence(doc, c, grounds, plain, context, prep.near, names_seen) if ambiguous else []
                if evidence is None:
                    continue
                kept.append((c, evidence))
            if kept:
                doc_hits = [self._brand_hit(doc, c, evidence, authorized) for c, evidence in resolve_overlaps(kept)]
                hits.extend(shift(chain_compatibility(doc, doc_hits), seg.base))
            if mine and suppressed is not None:
                for c, evidence in resolve_overlaps(mine):
                    suppressed.append((shift([self._brand_hit(doc, c, evidence, authorized)], seg.base)[0],
                                       {"kind": "own_brand", "brand": listing.brand}))
        return hits

    def _surname_follows(self, doc: FieldDoc, c: Candidate) -> bool:
        """Is the name written with a capital and followed, after one space, by a capitalised
        word that is no English word, product word or listed name (Hugo Chavez, Liz Lange)?"""
        o0, o1 = doc.orig_span(c.start, c.end)
        m = _NEXT_NAME.match(doc.original, o1)
        if m is None or not doc.original[o0:o0 + 1].isupper():
            return False
        word = m.group(1).casefold()
        return (word not in self.dictionary and not self.categories.is_product_word(word)
                and word not in self.index.latin)

    def _not_a_name(self, doc: FieldDoc, c: Candidate, surface: str) -> bool:
        """Is the candidate's text, where it stands, a word rather than the name? A short name
        after a number or a quantity is a unit (1.5 HP, 12v DC); a name after St. or Saint is
        a saint's (St. Patrick's Day); an everyday word's possessive is no variant of a name
        ending in s (King's, Bull's are not the Kings, the Bulls; Smiffy's is Smiffys)."""
        if self._short(c) and _AFTER_QUANTITY.search(doc.text, max(0, c.start - 16), c.start):
            return True
        o0 = doc.orig_span(c.start, c.end)[0]
        if _SAINT_BEFORE.search(doc.original, max(0, o0 - 7), o0):
            return True
        return (c.match == MatchType.VARIANT and _POSSESSIVE.fullmatch(surface) is not None
                and not _POSSESSIVE.search(c.entry.surface) and surface[:-2] in self.dictionary)

    def _may_read(self, c: Candidate, read_cats: frozenset[str]) -> bool:
        """May a loose reading of the name (a typo, a sound-alike, everyday words joined) be
        reported in a listing of these categories (the seller's or read from its words, not
        guessed)? Not on goods of none of the brand's categories and trades (Nivia t-shirts
        are not Nivea's, cat-eye sunglasses not CatEye's). A typo or sound-alike of a brand of
        the standard tier, seldom counterfeited, also needs goods of its main trades: a word
        one letter from a little-known name is most often another little-known name (Peco,
        Santas)."""
        brand = c.entry.brand
        trades = self._trades(brand)
        if c.match in _LOOSE_READINGS and brand.tier != Tier.FAMOUS:
            return bool(read_cats & (brand.core_categories | trades))
        return not read_cats or bool(read_cats & (brand.category_set | trades))

    def _everyday_words(self, surface: str) -> bool:
        """Is the text two words or more, each an everyday English word (cat-eye, red top)?"""
        parts = [p for p in _NOT_ALNUM.split(surface) if p]
        return len(parts) > 1 and all(len(p) > 1 and p in self.dictionary for p in parts)

    def _own_brands(self, seller_brand: str) -> frozenset[str]:
        """Brands the seller's own brand field names: by any of their names, or a name the
        field starts with ("Hape International" is Hape, "Revell-Monogram" is Revell).
        Remembered per brand text: a catalogue names the same few brands in every row."""
        return remembered(self._own_cache, seller_brand,
                          lambda: frozenset(self._read_own_brands(seller_brand)), 10_000)

    def _read_own_brands(self, seller_brand: str) -> set[str]:
        ids = self.index.resolve_brand_names([seller_brand])
        doc = FieldDoc.build(Field.TITLE, None, seller_brand)
        # names only: a typo or sound-alike of the seller's own brand is not evidence of it
        for c in _NAME_MATCHER.find(doc, self.index):
            if c.start == 0 and c.match in (MatchType.EXACT, MatchType.VARIANT) and not c.entry.ordinary:
                ids.add(c.entry.brand.id)
        return ids

    def _prepared(self, doc: FieldDoc, cands: list[Candidate]) -> _Prepared:
        """What the sentence alone tells about its candidates, worked out once per sentence
        (the sentence and its candidates are remembered together, and recur across listings)."""
        return doc.remember(_PREPARED, lambda: self._prepare(doc, cands))

    def _prepare(self, doc: FieldDoc, cands: list[Candidate]) -> _Prepared:
        ambiguous = [self._ambiguous(doc, c) for c in cands]
        plain = [c for c, a in zip(cands, ambiguous) if not a]
        grounds = tuple(self._grounds(doc, c) if a else None for c, a in zip(cands, ambiguous))
        surfaces = []
        for c in cands:
            o0, o1 = doc.orig_span(c.start, c.end)
            surfaces.append(doc.original[o0:o1].casefold().strip())
        return _Prepared(
            ambiguous=tuple(ambiguous),
            grounds=grounds,
            word=tuple(self._not_a_name(doc, c, surface) for c, surface in zip(cands, surfaces)),
            joined=tuple(c.match == MatchType.VARIANT and self._everyday_words(surface)
                         for c, surface in zip(cands, surfaces)),
            surfaces=tuple(surfaces),
            near=[(c.start, c.end, c.entry.brand) for c in plain],
            plain={c.entry.brand.id for c in plain},
            named_plainly={c.entry.brand.id: c.entry.brand for c in plain
                           if c.match in (MatchType.EXACT, MatchType.VARIANT) and not c.disguised},
            seen=tuple((c.entry.brand.id, c.entry.key) for c in cands if not c.weak),
        )

    def _grounds(self, doc: FieldDoc, c: Candidate) -> _Grounds | None:
        """What the sentence offers for an ambiguous candidate; None: nothing (the usual
        case: an everyday word such as ring or boots, written as such)."""
        e = c.entry
        han = not e.key.isascii()
        # an English everyday word in Chinese text is a foreign word, most often a name
        # (coach 斜挎包, intel 主板), unless it is a product word itself (polo衫); not two or
        # three letters (gm特卡), which are as often abbreviations
        common = self._common_word(e) and not (
            not han and len(e.key) > 3 and doc.mostly_han and not self.categories.is_product_word(e.surface.casefold()))
        disguised = c.disguised and not c.weak
        self_evident = (e.brand.id, e.key) in self.index.self_evident
        model = doc.remember(("model", c.end, han), lambda: model_follows(doc, c.end, han=han))
        context_word = None if common else doc.remember(("context",), lambda: brand_context(doc))
        proper = not common and (e.role != Role.SUBMARK or bool(e.brand.core_categories & CHARACTER_CATEGORIES))
        if proper and han and e.key in self.index.han_describing and (
                han_style_next_to(doc, c.start, c.end) or han_styles_named(doc)):
            # 现代简约 modern minimalist, 现代小孩餐椅 in a sentence of 美式圆桌 and 中式餐椅: the
            # everyday word names a style, whatever the trade
            proper = False
        if proper and not han and _first_name_of(e) and self._surname_follows(doc, c):
            proper = False  # a first name and another surname: Hugo Chavez is someone, not Hugo (Boss)
        # capitals count only for a name that is no proper name (see _evidence)
        capitals = not proper and emphasised(doc, c.start, c.end)
        product = self._product_named(doc, c)
        fit = self._fit_stated(doc, c) if states_fit(doc) and is_tech(e.brand) else None
        if not (disguised or self_evident or model or context_word is not None or proper or capitals or product
                or fit):
            return None
        return _Grounds(disguised, self_evident, model, context_word, proper, capitals, product, fit)

    def _fit_stated(self, doc: FieldDoc, c: Candidate) -> str | None:
        """The statement of fit right before a brand name written as a name (with a capital,
        if Latin): "charger compatible with Apple", "适用于苹果". Not before a colour (parts
        for red ...), nor before a word followed by a product of another trade (score pads
        for Beetle game)."""
        e = c.entry
        if e.key.isascii() and (not _capitalised(doc, c) or e.surface.casefold() in DESCRIBING):
            return None
        fit = doc.remember(("fit", c.start), lambda: fit_statement(doc, c.start))
        if fit is None:
            return None
        after = doc.remember(("word after", c.end), lambda: word_after(doc, c.end))
        if after is not None and self.categories.is_product_word(after) and not (
                self.categories.categories(after) & self._trades(e.brand)):
            return None
        return fit

    def _product_named(self, doc: FieldDoc, c: Candidate) -> tuple[str, frozenset[str]] | None:
        """A brand name written with a capital and followed by a product word: "Canon
        camera", "Supreme Hoodie" (a Latin name of the brand itself, not a product line's,
        and not itself a product word: a Polo shirt is a kind of shirt); a Chinese name of
        the brand with a product word written straight after it (切尔西球衣)."""
        e = c.entry
        if e.role not in (Role.NAME, Role.ALIAS, Role.ZH, Role.SUBMARK, Role.PINYIN):
            return None
        # a product line or a platform names a kind of product (安卓手机, Android phones), but a
        # coined one (Calatrava) does not; a character's name is the character before a toy
        # or figure where it opens its phrase (Stitch Plush Toy, 孙悟空手办: a Chinese name
        # stands alone wherever it is), not otherwise (Cross Stitch Kit, a Stitch Marker)
        glued = _glued_to_han(e)
        toys_only = e.role == Role.SUBMARK and not self._coined(e)
        if toys_only and not (e.brand.core_categories & CHARACTER_CATEGORIES and (glued or _opens_phrase(doc, c.start))):
            return None
        if glued:
            found = doc.remember(("product", c.end), lambda: han_product_follows(doc, c.end, self.categories))
            if found is None or self.categories.is_product_word(e.key):
                return None
        else:
            # what follows first (remembered per place; most names are followed by no product word)
            found = doc.remember(("product", c.end), lambda: product_follows(doc, c.end, self.categories))
            if found is None or not _capitalised(doc, c) or self.categories.is_product_word(e.surface.casefold()):
                return None
            if e.brand.name.isupper() and not doc.original[slice(*doc.orig_span(c.start, c.end))].isupper() \
                    and not _opens_phrase(doc, c.start):
                # a brand written in capitals (MAN, SEAT) is not a word inside a phrase in title
                # case (Iron Man, Single Seat Cars); first in its phrase it is (Puma Sneakers)
                return None
        if toys_only and not found[1] & _CHARACTER_GOODS:
            return None
        return found

    def _evidence(self, doc: FieldDoc, c: Candidate, grounds: _Grounds | None, plain: set[str],
                  context: ListingContext, near: list, names_seen: dict[str, set[str]]) -> list[str] | None:
        """Why an ambiguous candidate (see _ambiguous) is taken as the brand; None when it
        should not be reported. `grounds`: what its sentence offers (None: nothing)."""
        e = c.entry
        if grounds is None and not near and e.brand.id not in plain and len(names_seen.get(e.brand.id, ())) < 2:
            return None  # neither its sentence nor the rest of the listing speaks for it
        g = grounds or _NO_GROUNDS
        evidence: list[str] = []
        han = not e.key.isascii()
        cats = context.categories
        # contradicted only when neither the seller's category nor the product words fit (a
        # franchise's merchandise fits it: a Bluey t-shirt)
        trades = self._trades(e.brand)
        fits_category = not context.any_categories or bool(context.any_categories & (e.brand.category_set | trades))
        if g.disguised and fits_category:
            evidence.append("written in disguise")
        if g.self_evident:
            evidence.append(f"contains the name {e.brand.name}")
        if e.brand.id in plain:
            evidence.append(f"another {e.brand.name} name appears in the listing")
        elif len(names_seen.get(e.brand.id, ())) >= 2 and cats & e.brand.category_set:
            evidence.append(f"two names of {e.brand.name} in a category it sells in")
        for s0, e0, other in near:
            if other.id == e.brand.id or not other.category_set & e.brand.category_set:
                continue
            between = doc.text[c.end:s0] if s0 >= c.end else doc.text[e0:c.start] if e0 <= c.start else None
            # Chinese lists brands without separators too (丰田小松合力)
            if between is not None and (_LIST_JOINER.match(between) or (han and between == "")):
                evidence.append(f"listed next to {other.name}, a brand of the same kind")
                break
        category_agrees = bool(cats & e.brand.category_set)
        if g.model and (category_agrees or (
                not context.any_categories and is_tech(e.brand) and not self._short(c))):
            evidence.append("followed by a model designation")
        # "genuine", "正品" anywhere in the field back a name, not an everyday word (Animal)
        if category_agrees and g.context_word:
            evidence.append(f"'{g.context_word}' says a branded product is meant")
        if g.fit:
            evidence.append(f"named after '{g.fit}': an accessory's statement of fit")
        # the product word names the brand's own trade (for a franchise, merchandise too), and
        # the seller's category (if any) agrees
        if g.product and g.product[1] & trades and (not context.categories or context.categories & trades):
            evidence.append(f"followed by '{g.product[0]}', a product it makes" if _glued_to_han(e) else
                            f"written with a capital before '{g.product[0]}', a product it makes")
        # a Chinese everyday word (英雄 hero, 小米 millet) or a loose reading (致悦, a Fiat model,
        # sounds like 紫悦 of My Little Pony) is taken for a name only in a category the seller
        # gave or the words show, not one guessed from other brands in the listing
        # a misspelt or suffixed everyday-word name (Elmar for Elmer) is not vouched for by
        # the category alone: it needs a product word, a model, another name of the brand
        misread_everyday = c.weak and e.ordinary and not _glued_to_han(e)
        if cats & (e.brand.category_set if han else e.brand.core_categories) and not (
                han and (e.ordinary or c.weak) and context.from_brands) and not misread_everyday:
            if g.proper and not (e.role == Role.SUBMARK and self._other_franchise_named(e.brand, plain)):
                # a proper name in the brand's own field: a character (Elsa) or the brand itself;
                # a product-line name alone (Maya, Kelly) needs more; a character's everyday
                # name where another franchise is named is that one's (Thomas & Friends' Ryan)
                evidence.append("a name, not a common word, in a category the brand mainly sells in")
            elif g.emphasised:
                evidence.append("written in capitals, in a category the brand mainly sells in")
        return evidence or None

    def _other_franchise_named(self, brand: Brand, plain: set[str]) -> bool:
        """Does the listing name plainly another franchise: a brand of entertainment with
        characters or lines of its own (Thomas & Friends, Harry Potter; not Hasbro)?"""
        for i in plain:
            other = self.index.by_id[i]
            if i != brand.id and "entertainment" in other.categories and other.submarks:
                return True
        return False

    @staticmethod
    def _trades(brand: Brand) -> frozenset[str]:
        """The categories a brand's products are in: where it mainly sells, and for an
        entertainment franchise or character (Paw Patrol, Garfield: filed first under
        entertainment) the merchandise made under licence (not for a drone maker that also
        sells toys, a guitar maker or a games studio: Parrot mugs, Gibsons puzzles, Riot jeans)."""
        core = brand.core_categories
        return core | MERCHANDISE if brand.categories[:1] == ("entertainment",) else core

    @staticmethod
    def _short(c: Candidate) -> bool:
        return c.entry.key.isascii() and len(c.entry.key) <= 3 and c.match in (MatchType.EXACT, MatchType.VARIANT)

    def _ambiguous(self, doc: FieldDoc, c: Candidate) -> bool:
        """Needs evidence from the context: an ordinary-word name, a loose reading, or a
        short name (LV, HP, 3M) not written in capitals."""
        if c.weak:
            return True
        if c.entry.ordinary:
            # a name of everyday words written as one word the owner's way (AllSaints, not
            # all saints) is the brand's name
            if c.match not in (MatchType.EXACT, MatchType.VARIANT):
                return True
            o0, o1 = doc.orig_span(c.start, c.end)
            return not self.index.written_as_one_word(c.entry.key, doc.original[o0:o1])
        if c.entry.bounds and doc.text[c.start:c.end] in self.dictionary:
            return True  # a name of several parts written as one everyday word: LiNing / lining
        if c.entry.bounds and c.match in (MatchType.EXACT, MatchType.VARIANT):
            o0, o1 = doc.orig_span(c.start, c.end)
            surface = doc.original[o0:o1]
            parts = [p for p in _NOT_ALNUM.split(surface) if p]
            if len(parts) > 1 and surface.islower() and all(p in self.dictionary for p in parts):
                return True  # everyday words joined in lower case: one-touch is not OneTouch
        if self._short(c) and any(ch.isalpha() for ch in c.entry.key):
            o0, o1 = doc.orig_span(c.start, c.end)
            return not doc.original[o0:o1].replace(" ", "").replace(".", "").isupper()
        return False

    def _common_word(self, e) -> bool:
        """Is this ambiguous name an everyday word (apple, coach, 胡桃) rather than a proper
        name (Elsa, Hermes)? For a Chinese name flagged ordinary the listing's category
        decides (小米 in phones), unless it is a product line or character that jieba's
        dictionary counts as an everyday word (胡桃夹子, the Nutcracker, is not Genshin's Hu Tao)."""
        if not e.key.isascii():
            return e.role == Role.SUBMARK and e.key in self.index.han_everyday_marks
        words = e.surface.casefold().split()
        return len(words) != 1 or words[0] in self.dictionary or e.key in self.dictionary

    def _coined(self, e) -> bool:
        """A product-line name made up for the brand, no English word nor a frequent one
        (Calatrava, Quencher; not Galaxy, Jordan, Black Bay): written with a capital before a
        product word of the brand's trade (for a Chinese one, straight before it: 红米充电宝),
        it names the brand's product."""
        if not e.key.isascii():
            # a Chinese one that is no word of jieba's dictionary (红米, 小棕瓶, 皇家橡树; not
            # 安卓, a platform, nor 四叶草, a four-leaf clover)
            return e.key in self.index.han_coined_marks
        words = e.surface.casefold().split()
        return all(w not in self.dictionary for w in words) and any(
            w not in self.index.common_words for w in words)

    def _brand_hit(self, doc: FieldDoc, c: Candidate, evidence: list[str], authorized: set[str]) -> Hit:
        e = c.entry
        b = e.brand
        o0, o1 = doc.orig_span(c.start, c.end)
        text = doc.original[o0:o1]
        usage = None
        severity = Severity.HIGH if c.score >= 0.84 else Severity.MEDIUM
        if e.ordinary and not c.disguised and not any(k in ev for ev in evidence for k in ("another", "model", "branded")) \
                and not self.index.written_as_one_word(e.key, text):
            severity = Severity.MEDIUM  # an ordinary word with only circumstantial evidence
        cue = None
        if doc.field != Field.SEARCH_TERMS:
            mark, tech = e.role == Role.SUBMARK, is_tech(b)
            parts = takes_parts(b)
            cue = doc.remember(("cue", c.start, c.end, mark, tech, parts),
                               lambda: compatibility_cue(doc, c.start, c.end, is_product_mark=mark, tech=tech,
                                                         parts=parts))
        if b.id in authorized:
            usage, severity = Usage.AUTHORIZED, Severity.LOW
        elif cue is not None and c.match not in (MatchType.DERIVATIVE,):
            usage, severity = Usage.COMPATIBILITY, Severity.MEDIUM
        reason = brand_reason(text, c, usage, cue)
        suggestion = brand_suggestion(c, usage, doc.field)
        return Hit(
            kind=HitKind.BRAND, field=doc.field, index=doc.index, start=o0, end=o1, text=text,
            match=c.match, score=c.score, severity=severity, reason=reason, suggestion=suggestion,
            usage=usage, brand=BrandRef(b.id, b.name, e.mark), evidence=evidence,
        )

    # ---- listing policy -----------------------------------------------------------
    def _policy_hits(self, listing: Listing, brands: list[Hit]) -> list[Hit]:
        hits: list[Hit] = []
        for fld, index, text in listing.fields():
            for rule in self.policies_by_field.get(fld, ()):
                if rule.check in HIT_CHECKS:
                    # another brand's name in this field breaks the rule (brand names in search terms)
                    for b in brands:
                        if b.field == fld and b.index == index and b.usage is None and b.severity != Severity.LOW:
                            hits.append(Hit(
                                kind=HitKind.POLICY, field=fld, index=index, start=b.start, end=b.end, text=b.text,
                                match=MatchType.RULE, score=b.score, severity=rule.severity,
                                reason=f"{rule.reason} ({b.brand.name if b.brand else b.text})",
                                suggestion=rule.suggestion or None, rule=rule.id,
                            ))
                    continue
                for f in self._checked(rule, text):
                    hits.append(Hit(
                        kind=HitKind.POLICY, field=fld, index=index, start=f.start, end=f.end,
                        text=text[f.start:f.end], match=MatchType.RULE, score=1.0, severity=rule.severity,
                        reason=f"{rule.reason} ({f.detail})", suggestion=rule.suggestion or None, rule=rule.id,
                    ))
        return hits

    # ---- sensitive ----------------------------------------------------------------
    def _sensitive_hits(self, segments: list[Segment]) -> list[Hit]:
        hits: list[Hit] = []
        for seg in segments:
            doc, found = seg.doc, seg.sensitive
            by_category: dict[str, list] = {}
            for m in found:
                by_category.setdefault(m.category, []).append((m, []))
            # overlaps are resolved within a category: one phrase may break two rules
            # ("#1 Best Seller" is a ranking claim and a badge claim)
            kept = [m for items in by_category.values()
                    for m, _ in resolve_overlaps(items, key=lambda m: (m.start, m.end, m.score))]
            for m in kept:
                o0, o1 = doc.orig_span(m.start, m.end)
                text = doc.original[o0:o1]
                hits.append(Hit(
                    kind=HitKind.SENSITIVE, field=doc.field, index=doc.index, start=o0 + seg.base, end=o1 + seg.base, text=text,
                    match=m.match, score=m.score, severity=m.severity,
                    reason=f'"{text}": {m.reason}', suggestion=m.suggestion or None,
                    term=m.term, category=m.category, rule=m.term_id,
                ))
        return hits


@dataclass(frozen=True, slots=True)
class _Grounds:
    """What a sentence alone offers as evidence for an ambiguous candidate in it; whether
    each counts depends on the listing (its category above all), see Engine._evidence."""

    disguised: bool           # written in disguise, and read firmly
    self_evident: bool        # this name contains the brand's own name
    model: bool               # a model designation follows
    context_word: str | None  # a word saying a branded product is meant ("genuine"), for a proper name
    proper: bool              # a proper name in the brand's own field (a character, the brand itself)
    emphasised: bool          # written in capitals in a field that is not shouting (asked of no proper name)
    product: tuple[str, frozenset[str]] | None  # a product word right after it, with its categories
    fit: str | None           # a statement of fit right before it ("compatible with"), for a brand that takes accessories


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Per candidate of a sentence, in order: needs evidence from the listing (ambiguous),
    what the sentence itself offers as such evidence (grounds), is a word there rather than
    the name (word: see Engine._not_a_name), is everyday words read as one name (joined),
    its original text folded for comparison (surfaces);
    and for the sentence: its unambiguous names (near, plain, named_plainly) and the
    (brand, key) pairs read firmly (seen)."""

    ambiguous: tuple[bool, ...]
    grounds: tuple[_Grounds | None, ...]  # per ambiguous candidate; None for the others
    word: tuple[bool, ...]
    joined: tuple[bool, ...]
    surfaces: tuple[str, ...]
    near: list[tuple[int, int, Brand]]
    plain: set[str]
    named_plainly: dict[str, Brand]
    seen: tuple[tuple[str, str], ...]


_PREPARED = ("prepared",)
_NO_GROUNDS = _Grounds(False, False, False, None, False, False, None, None)

_FIELD_ORDER = {Field.TITLE: 0, Field.BULLETS: 1, Field.DESCRIPTION: 2, Field.SEARCH_TERMS: 3}


_VEHICLE_GOODS = frozenset({"automotive", "toys"})
_LOOSE_READINGS = frozenset({MatchType.FUZZY, MatchType.HOMOPHONE})
# "St." or "Saint" right before a name: a saint (and the day, town or church named after one)
_SAINT_BEFORE = re.compile(r"\b(?:St\.?|ST\.|Saint|SAINT) $")
# a number, or a quantity with its unit (12v, 1.5a), right before a short name: 1.5 HP, 12v DC
_AFTER_QUANTITY = re.compile(r"\d(?:(?!st|nd|rd|th)[a-z]{1,2})?\s*$")
# a capitalised word of letters straight after a name, one space between (Hugo Chavez)
_NEXT_NAME = re.compile(r" ([A-Z][a-z]{2,})\b")
# a word's possessive ending (King's), which a name ending in s (Kings) is not written with
_POSSESSIVE = re.compile(r"[^\W\d_]+['’`]s", re.IGNORECASE)
_MOTORING = frozenset({"automotive", "sports"})


def makes_vehicles(brand: Brand) -> bool:
    """A maker of vehicles or their parts: first trade automotive, vehicles (Nice class 12)
    among its goods."""
    return brand.categories[:1] == ("automotive",) and 12 in brand.nice_classes


def _model_of_carmaker(doc: FieldDoc, c: Candidate, near: list) -> bool:
    """In a listing about vehicles or scale models: is the candidate one word written
    straight after a vehicle maker's plain name (one space between), its own brand in no
    motoring trade? Then it names the maker's model: Honda Brio (not the toy trains),
    Maruti Baleno (not the clothes), Lamborghini Diablo (not the game). Not a sponsor or
    a series, motoring brands themselves (Honda Repsol, Ferrari Formula 1)."""
    e = c.entry
    if e.brand.category_set & _MOTORING or not e.key.isascii() or e.words != 1:
        return False
    return any(e0 < c.start and doc.text[e0:c.start] == " " and other.id != c.entry.brand.id
               and makes_vehicles(other) for _s0, e0, other in near)


def _first_name_of(e) -> bool:
    """Is the entry a one-word alias that is the first word of its brand's two-word name,
    the name of a person (Hugo of Hugo Boss, Kate of Kate Spade)?"""
    parts = e.brand.name.split()
    return (e.words == 1 and len(parts) == 2 and parts[0].istitle() and parts[0].isalpha()
            and parts[0].casefold() == e.surface.casefold())


def _glued_to_han(e) -> bool:
    """Is the name read against Chinese text, its product word written straight after it: a
    Chinese name, or a Chinese name's pinyin (jiafeimao书包 like 加菲猫书包)?"""
    return not e.key.isascii() or e.role == Role.PINYIN


def _opens_phrase(doc: FieldDoc, start: int) -> bool:
    """Does the token at folded offset `start` begin its phrase (the text, or after a break)?"""
    i = bisect_left(doc.starts, start)
    return i == 0 or doc.gaps[i - 1] == Gap.BREAK


def _capitalised(doc: FieldDoc, c: Candidate) -> bool:
    """Is the candidate's first character, as written, a capital?"""
    o0 = doc.orig_span(c.start, c.end)[0]
    return doc.original[o0:o0 + 1].isupper()


def resolve_overlaps(items, key=None):
    """The one overlap rule: longer span first, then higher score, then earlier; an item
    overlapping one already kept is dropped (spaCy's filter_spans, with score as tie-break)."""
    def span(item):
        obj = item[0]
        return (obj.start, obj.end, obj.score) if key is None else key(obj)

    if len(items) < 2:
        return list(items)
    spans = [span(it) for it in items]
    order = sorted(range(len(items)), key=lambda k: (-(spans[k][1] - spans[k][0]), -spans[k][2], spans[k][0]))
    taken = bytearray(max(e for _, e, _ in spans) + 1)
    kept = []
    for k in order:
        s, e, _ = spans[k]
        if taken.find(1, s, e) != -1:
            continue
        kept.append(k)
        taken[s:e] = b"\x01" * (e - s)
    kept.sort(key=lambda k: spans[k][0])
    return [items[k] for k in kept]


# What may stand between two names of one compatibility statement: list punctuation,
# conjunctions, articles and model designations ("for Toyota Camry RAV4 and Honda Civic").
_CHAIN = re.compile(
    r"^(?:[\s,/&+()\-]|and\b|or\b|an?\b|the\b|pro\b|max\b|ultra\b|plus\b|mini\b|series\b|gen\b|"
    r"oled\b|lite\b|air\b|se\b|models?\b|generation\b|[a-z]{0,4}\d[a-z0-9]{0,6}\b)*$"
)


def chain_compatibility(doc: FieldDoc, hits: list[Hit]) -> list[Hit]:
    """Names that continue a compatibility statement share its usage."""
    hits.sort(key=lambda h: h.start)
    for prev, cur in pairwise(hits):
        if prev.usage != Usage.COMPATIBILITY or cur.usage is not None or doc.field == Field.SEARCH_TERMS:
            continue
        between = doc.original[prev.end:cur.start]
        if len(between) <= 60 and _CHAIN.match(between.casefold()):
            cur.usage = Usage.COMPATIBILITY
            cur.severity = Severity.MEDIUM
            cur.reason = cur.reason.rstrip(".") + "; part of the same statement of what the product fits."
            cur.suggestion = brand_suggestion_for(cur.brand.name)
    return hits


# Sentence ends where a field may be cut: after two word characters and . ! ? ; followed
# by white space (so "P.R.A.D.A" and "R. O. L. E. X." stay whole), but for the abbreviations
# names go on after ("Dr. Martens", "Chanel No. 5"), or after Chinese 。！？；
# The marks are found with str.find (a regex tried at every character of a 3 KB listing cost
# three times as much); the rule is checked where one stands.
_ABBREVIATIONS = ("dr", "mr", "mrs", "ms", "st", "jr", "no", "vs")  # a name goes on after them (Dr. Martens, No. 5)
_CUT_AFTER = re.compile(r"[.!?;](?<=\w\w.)" + "".join(rf"(?<!\b{a}\.)" for a in _ABBREVIATIONS) + r"\s+",
                        re.IGNORECASE)
_LATIN_MARKS = ".!?;"
_ALL_MARKS = ".!?;。！？；"


_NOTHING: tuple = (None, [], [])  # a sentence with nothing found
_PRODUCT_FIELDS = (Field.TITLE, Field.BULLETS)  # where product words tell the category


def split_chunks(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a field; the white space between them is dropped."""
    if len(text) < 160:
        return [(0, text)]
    marks = []
    for mark in _LATIN_MARKS if text.isascii() else _ALL_MARKS:
        i = text.find(mark)
        while i >= 0:
            marks.append(i)
            i = text.find(mark, i + 1)
    marks.sort()
    out = []
    pos = 0
    cut_after = _CUT_AFTER.match
    for i in marks:
        if text[i] > "\x7f":  # a Chinese mark ends its sentence as it is
            end = i + 1
        else:
            m = cut_after(text, i)
            if m is None:
                continue
            end = m.end()
        if i >= pos:
            out.append((pos, text[pos:i + 1]))
        pos = end
    if pos < len(text):
        out.append((pos, text[pos:]))
    return out


def _own_brand_pattern(brand: str) -> re.Pattern[str] | None:
    """The seller's brand as written in the text, spacing and punctuation aside
    ("BigCherry" is "Big Cherry", "Revell-Monogram" is "Revell Monogram")."""
    chars = [c for c in brand.casefold() if c.isalnum()]
    if len(chars) < 2:
        return None
    body = r"[\W_]{0,3}".join(re.escape(c) for c in chars)
    head = r"(?<![a-z0-9])" if chars[0].isascii() else ""
    tail = r"(?![a-z0-9])" if chars[-1].isascii() else ""
    return re.compile(head + body + tail, re.IGNORECASE)


def _drop_inside(listing: Listing, hits: list[Hit], pattern: re.Pattern[str], suppressed: list | None,
                 why: Callable[[str], dict]) -> list[Hit]:
    """The hits outside every match of `pattern` in their field; the others go to
    `suppressed` (when it is kept) with `why(matched text)`."""
    spans: dict[tuple[Field, int | None], list[tuple[int, int, str]]] = {}
    for fld, index, text in listing.fields():
        found = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
        if found:
            spans[(fld, index)] = found
    if not spans:
        return hits
    out = []
    for h in hits:
        inside = next((t for a, b, t in spans.get((h.field, h.index), ()) if a <= h.start and h.end <= b), None)
        if inside is None:
            out.append(h)
        elif suppressed is not None:
            suppressed.append((h, why(inside)))
    return out


def shift(hits: list[Hit], base: int) -> list[Hit]:
    if base:
        for h in hits:
            h.start += base
            h.end += base
    return hits


def verdict_and_risk(hits: list[Hit]) -> tuple[Verdict, int]:
    """block on any high hit, review on any medium, else pass; risk = 100·(1 − Π(1 − w·score))."""
    keep = 1.0
    top = -1
    for h in hits:
        keep *= 1.0 - SEVERITY_WEIGHT[h.severity] * h.score
        top = max(top, SEVERITY_RANK[h.severity])
    verdict = Verdict.BLOCK if top == 2 else Verdict.REVIEW if top == 1 else Verdict.PASS
    return verdict, round(100 * (1.0 - keep))


def brand_reason(text: str, c: Candidate, usage: Usage | None, cue: str | None) -> str:
    e = c.entry
    b = e.brand
    owner = b.owner or b.name
    if e.role == Role.SUBMARK:
        what = f"{b.name}'s mark {e.mark} (owner: {owner})"
    elif e.role == Role.ZH:
        what = f"{b.name}'s Chinese name {e.key}" if e.key != text else f"the Chinese name of {b.name}"
    else:
        what = f"the brand {b.name}"
    how = "; ".join(c.explain)
    if c.match == MatchType.EXACT and not how:
        base = f'"{text}" is {what}'
    elif how:
        base = f'"{text}" reads as {what}: {how}'
    else:
        base = f'"{text}" reads as {what}'
    if usage == Usage.COMPATIBILITY:
        return base + f'; named after "{cue}" to state what the product fits.'
    if usage == Usage.AUTHORIZED:
        return base + "; you listed it as a brand you are authorised to use."
    return base + "."


def brand_suggestion_for(name: str) -> str:
    return (f"Write it in the accepted form \"[Your brand] [product] for {name} [model]\" "
            f"(or \"compatible with {name} [model]\"), after your own brand, without the logo.")


def brand_suggestion(c: Candidate, usage: Usage | None, field: Field) -> str | None:
    b = c.entry.brand
    if usage == Usage.AUTHORIZED:
        return "Keep your authorisation documents ready in case the rights owner asks."
    if usage == Usage.COMPATIBILITY:
        return brand_suggestion_for(b.name)
    if field == Field.SEARCH_TERMS:
        return f"Remove {b.name} from the search terms: other brands' names may not be used as keywords."
    if c.match == MatchType.DERIVATIVE:
        return f"Remove the reference to {b.name}; describe the design in your own words."
    if c.disguised:
        return f"Remove this disguised form of {b.name}; disguised brand names are treated as infringement."
    return f"Remove {b.name} unless you sell genuine {b.name} products and may use the name."
