"""Sensitive terms in the fixed taxonomy: list terms (English whole words, Chinese
substrings) with exemption phrases, plus contact details found by ReDoS-safe patterns.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick

from app.engine.document import FieldDoc
from app.engine.models import Exemption, MatchType, Severity, Term
from app.engine.normalize import fold_name

# Hyphens, slashes and underscores read as spaces, so "eco-friendly" = "eco friendly".
_SEPARATORS = str.maketrans({"-": " ", "_": " ", "/": " ", "\u2010": " ", "\u2011": " ", "\u2013": " "})


def _key(form: str) -> str:
    return " ".join(fold_name(form).translate(_SEPARATORS).split())


def _latin_alnum(c: str) -> bool:
    return c.isalnum() and c.isascii()


@dataclass(slots=True)
class SensitiveMatch:
    start: int          # folded offsets
    end: int
    term_id: str
    term: str
    category: str
    severity: Severity
    match: MatchType
    reason: str
    suggestion: str
    score: float


# Bounded patterns only: no nested unbounded repetition, so no catastrophic backtracking.
_PATTERNS: tuple[tuple[str, re.Pattern[str], str, Severity, str, str], ...] = (
    ("contact-url", re.compile(r"(?<![a-z0-9@])(?:https?://|www\.)[a-z0-9\-._~%/?#=&+:]{2,200}"), "contact_info", Severity.HIGH,
     "Links to outside websites are not allowed in listings.", "Remove the web address; buyers must contact you through the marketplace."),
    ("contact-domain", re.compile(r"(?<![a-z0-9@.\-])[a-z0-9][a-z0-9\-]{1,62}\.(?:com|net|org|shop|store|co|io|cn|top|xyz|info|biz|me|uk|de)(?![a-z0-9])"), "contact_info", Severity.HIGH,
     "A web address in a listing sends buyers off the marketplace.", "Remove the web address."),
    ("contact-email", re.compile(r"(?<![a-z0-9._%+\-])[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){1,4}"), "contact_info", Severity.HIGH,
     "E-mail addresses are not allowed in listings.", "Remove the e-mail address."),
    ("contact-phone-intl", re.compile(r"(?<![\w+])\+\d{1,3}[ \-.]?(?:\(\d{1,4}\)[ \-.]?)?\d{2,5}(?:[ \-.]\d{2,5}){0,3}(?!\d)"), "contact_info", Severity.HIGH,
     "Phone numbers are not allowed in listings.", "Remove the phone number."),
    ("contact-phone-us", re.compile(r"(?<!\d)(?:\(\d{3}\)[ \-.]?|\d{3}[\-.])\d{3}[\-.]\d{4}(?!\d)"), "contact_info", Severity.HIGH,
     "Phone numbers are not allowed in listings.", "Remove the phone number."),
    ("contact-phone-cn", re.compile(r"(?<!\d)(?:1[3-9]\d{9}|400[\- ]?\d{3}[\- ]?\d{4})(?!\d)"), "contact_info", Severity.HIGH,
     "Phone numbers are not allowed in listings.", "Remove the phone number."),
    ("contact-messaging-id", re.compile(r"(?:加\s?v|加\s?微信?|微信号?|vx|v信|wx|wechat|whatsapp|telegram|qq)\s?[:：]\s?[a-z0-9_\-]{5,30}"), "contact_info", Severity.HIGH,
     "Messaging ids send buyers off the marketplace.", "Remove the messaging id; use the marketplace's buyer-seller messages."),
    ("promo-percent-off", re.compile(r"(?<![\d.])\d{1,2}(?:\.\d)?\s?%\s?off(?![a-z])"), "promotional", Severity.MEDIUM,
     "Discount claims such as '% off' are promotional language, which listings may not carry.", "Remove the discount; set prices and deals in the marketplace's tools."),
    ("counterfeit-one-to-one", re.compile(r"(?<![\d:.])1\s?(?::|：|比)\s?1(?![\d:.]|\s?scale)"), "counterfeit_signal", Severity.HIGH,
     "'1:1' is marketplace slang for an exact copy of a branded product.", "Remove '1:1'; describe your own product."),
    ("superlative-number-one", re.compile(r"(?<![\w#])(?:#\s?1|no\.\s?1|number\s+one)(?![\d])"), "superlative", Severity.HIGH,
     "'#1' / 'No.1' are unsupported superlative claims.", "Remove the ranking claim."),
    ("pesticide-kills-percent", re.compile(r"kill(?:s|ing)?\s{1,3}(?:up\s{1,3}to\s{1,3})?99(?:\.9{1,3})?\s?%"), "pesticide_claim", Severity.HIGH,
     "Claims to kill a percentage of germs are pesticide claims that need EPA registration.", "Remove the germ-killing claim unless the product is EPA-registered."),
)


# Cheap tests that must pass before a pattern runs at all (most text fails them): each is
# implied by its pattern, so skipping a pattern when its test fails loses nothing.
_PREFILTERS: dict[str, str] = {
    "contact-url": r"www\.|http",
    "contact-domain": r"\.(?:com|net|org|shop|store|co|io|cn|top|xyz|info|biz|me|uk|de)",
    "contact-email": r"@",
    "contact-phone-intl": r"\+\d",
    "contact-phone-us": r"\d[\-.]\d{4}",
    "contact-phone-cn": r"\d{11}|400[\- ]?\d{3}",
    "contact-messaging-id": r"加\s?[v微]|微信|vx|v信|wx|wechat|whatsapp|telegram|qq",
    "promo-percent-off": r"%",
    "counterfeit-one-to-one": r"1\s?[:：比]\s?1",
    "superlative-number-one": r"#|no\.|number\s",
    "pesticide-kills-percent": r"kill",
}
_PREFILTER_RE = {rule: re.compile(p) for rule, p in _PREFILTERS.items()}
_PREFILTER_LIST = tuple(_PREFILTER_RE.values())


def _any_prefilter(text: str) -> bool:
    """Does any pattern's test pass? (Searched one by one: each test alone starts with a
    literal or a class the regex engine scans for quickly, their alternation does not.)"""
    return any(r.search(text) is not None for r in _PREFILTER_LIST)

# Punctuation common in any text: a key with only these besides letters is tested whole.
_GENERIC_PUNCTUATION = frozenset(".,()!?")


_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD_KEY = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")
_NOT_WORD = re.compile(r"[^a-z0-9]")


class _Phrases:
    """Keys of two kinds in two automata: plain English word sequences, searched on a copy of
    the text where everything but ASCII letters and digits is a space (so every match is
    whole words and no match inside a word is ever reported), and the rest (Chinese, or
    keys with symbols such as '#1' or '1:1'), searched on the folded text."""

    def __init__(self, keys: dict[str, list]) -> None:
        self.words = {f" {k} ": v for k, v in keys.items() if _WORD_KEY.match(k)}
        self.other = {k: v for k, v in keys.items() if not _WORD_KEY.match(k)}
        self._word_ac = _automaton(self.words)
        self._other_ac = _automaton(self.other)
        # In ASCII text only the ASCII keys of the rest can match, and each holds a symbol
        # (' % # : & ...): text with none of those symbols is not scanned for them at all.
        symbols = {k: {c for c in k if not c.isalnum() and c != " "} for k in self.other if k.isascii()}
        anchors = set().union(*symbols.values()) - _GENERIC_PUNCTUATION
        self._ascii_whole = tuple(k for k, found in symbols.items() if not found & anchors)
        self._ascii_anchor = re.compile("[" + re.escape("".join(sorted(anchors))) + "]") if anchors else None

    def iter(self, text: str, words_text: str):
        """Yield (start, end, payload list) in folded-text offsets."""
        if self._word_ac is not None:
            for end, key in self._word_ac.iter(words_text):
                # words_text is the text padded with one space at each end
                yield end - len(key) + 1, end - 1, self.words[key]
        if self._other_ac is not None:
            for end, key in self._other_ac.iter(text):
                start = end - len(key) + 1
                if _bounded(text, start, end + 1, key):
                    yield start, end + 1, self.other[key]

    def other_payloads(self, text: str):
        """Payloads of the symbol and Chinese keys anywhere in `text` (no word bounds: a
        quick superset of what `iter` yields for them)."""
        if text.isascii() and not (self._ascii_anchor is not None and self._ascii_anchor.search(text)) and not any(
                k in text for k in self._ascii_whole):
            return
        if self._other_ac is not None:
            for _end, key in self._other_ac.iter(text):
                yield self.other[key]


class SensitiveMatcher:
    def __init__(self, terms: tuple[Term, ...], exemptions: tuple[Exemption, ...]) -> None:
        self.terms = {t.id: t for t in terms}
        keys: dict[str, list[tuple[Term, str]]] = defaultdict(list)
        for t in terms:
            for form in t.forms:
                k = _key(form)
                if not k:
                    continue
                keys[k].append((t, form))
                if t.lang == "en" and " " in k and len(k.replace(" ", "")) >= 8:
                    keys[k.replace(" ", "")].append((t, form))
        exempt: dict[str, list[Exemption]] = defaultdict(list)
        for ex in exemptions:
            k = _key(ex.phrase)
            if k:
                exempt[k].append(ex)
        # terms and exemption phrases share the automata: one scan of each text per field
        self._phrases = _Phrases({k: (keys.get(k, ()), exempt.get(k, ())) for k in keys.keys() | exempt.keys()})
        # the words of each plain-word term, filed under its longest: a text that lacks
        # one of a term's words cannot contain the term
        self._term_words: dict[str, list[frozenset[str]]] = defaultdict(list)
        for k, (found, _) in self._phrases.words.items():
            if found:
                words = k.split()
                self._term_words[max(words, key=len)].append(frozenset(words))
        self._anchors = frozenset(self._term_words)

    def may_find(self, text: str) -> bool:
        """Cheap test on folded text: False means `find` would find nothing in it."""
        words = set(_ASCII_WORD.findall(text))
        for w in words & self._anchors:
            if any(ws <= words for ws in self._term_words[w]):
                return True
        if _any_prefilter(text):
            return True
        return any(terms for terms, _ in self._phrases.other_payloads(text.translate(_SEPARATORS)))

    def find(self, doc: FieldDoc) -> list[SensitiveMatch]:
        text = doc.text.translate(_SEPARATORS)
        words_text = " " + _NOT_WORD.sub(" ", doc.text) + " "
        exempt = []
        found = []
        for start, end, (terms, exs) in self._phrases.iter(text, words_text):
            if terms:
                found.append((start, end, terms))
            for ex in exs:
                exempt.append((start, end, ex.categories))
        out: list[SensitiveMatch] = []
        for start, end, terms in found:
            for term, form in terms:
                if exempt and _exempted(exempt, start, end, term.category):
                    continue
                out.append(SensitiveMatch(start, end, term.id, form, term.category, term.severity,
                                          MatchType.EXACT, term.reason, term.suggestion, 0.95))
        for rule, pat, category, severity, reason, suggestion in _PATTERNS:
            if _PREFILTER_RE[rule].search(doc.text) is None:
                continue
            for m in pat.finditer(doc.text):
                if exempt and _exempted(exempt, m.start(), m.end(), category):
                    continue
                out.append(SensitiveMatch(m.start(), m.end(), rule, m.group(), category, severity,
                                          MatchType.PATTERN, reason, suggestion, 0.9))
        return out

    @property
    def term_count(self) -> int:
        return len(self.terms)


def _bounded(text: str, start: int, end: int, key: str) -> bool:
    """Latin keys stand as whole words; Chinese keys may sit inside Chinese text."""
    if _latin_alnum(key[0]) and start > 0 and _latin_alnum(text[start - 1]):
        return False
    if _latin_alnum(key[-1]) and end < len(text) and _latin_alnum(text[end]):
        return False
    return True


def _exempted(spans, start: int, end: int, category: str) -> bool:
    return any(a <= start and end <= b and (cats is None or category in cats) for a, b, cats in spans)


def _automaton(keys: dict) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    ac = ahocorasick.Automaton()
    for k in keys:
        ac.add_word(k, k)
    ac.make_automaton()
    return ac


assert set(_PREFILTERS) == {p[0] for p in _PATTERNS}, "every pattern needs its prefilter"
