"""Sensitive terms in the fixed taxonomy: list terms (English whole words, Chinese
substrings) with exemption phrases, plus contact details found by ReDoS-safe patterns.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from app.engine.automaton import automaton
from app.engine.models import Exemption, MatchType, Severity, Term
from app.engine.normalize import fold_name

# Hyphens, slashes and underscores read as spaces, so "eco-friendly" = "eco friendly".
_SEPARATORS = str.maketrans({"-": " ", "_": " ", "/": " ", "\u2010": " ", "\u2011": " ", "\u2013": " "})
_ASCII_SEPARATORS = tuple(chr(c) for c in _SEPARATORS if c < 128)
_OTHER_SEPARATORS = tuple(chr(c) for c in _SEPARATORS if c >= 128)


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
    ("medical-disease-claim", re.compile(
        r"(?<![a-z])(?:cure[sd]?|curing|treat(?:s|ed|ing)?|heal(?:s|ed|ing)?|reliev(?:e|es|ed|ing)|eliminat(?:e|es|ed|ing)"
        r"|prevent(?:s|ed|ing)?|revers(?:e|es|ed|ing)|alleviat(?:e|es|ed|ing))"
        r" {1,2}(?:[a-z'\-]{1,15} {1,2}){0,2}?"
        r"(?:arthritis|osteoarthritis|rheumatism|cancer|tumou?rs?|diabetes|eczema|psoriasis|rosacea|dermatitis|insomnia"
        r"|depression|anxiety|infections?|inflammation|neuropathy|gout|sciatica|plantar fasciitis|tinnitus|migraines?"
        r"|ha?emorrhoids|hypertension|high blood pressure|covid(?:-?19)?|coronavirus|influenza|flu|herpes|cold sores"
        r"|asthma|fibromyalgia|osteoporosis|alzheimer'?s|dementia|parkinson'?s|obesity|acid reflux|constipation"
        r"|adhd|varicose veins|hair loss|baldness|alopecia|erectile dysfunction|impotence|sleep apnea|vertigo"
        r"|carpal tunnel|tendonitis|tendinitis|bursitis|scoliosis|warts|athlete'?s foot|kidney stones|ulcers?"
        r"|gingivitis|periodontitis|cavities|disease|diseases)(?![a-z])"), "medical_claim", Severity.HIGH,
     ("Saying a product cures, treats, relieves or prevents a named disease or condition is a drug claim, "
      "which FDA and Amazon allow only for approved drugs and cleared devices."),
     "Remove the condition's name; describe comfort, fit or materials instead."),
    ("pesticide-kills-percent", re.compile(r"kill(?:s|ing)?\s{1,3}(?:up\s{1,3}to\s{1,3})?99(?:\.9{1,3})?\s?%"), "pesticide_claim", Severity.HIGH,
     "Claims to kill a percentage of germs are pesticide claims that need EPA registration.", "Remove the germ-killing claim unless the product is EPA-registered."),
)


# Cheap tests that must pass before a pattern runs at all (most text fails them): each is
# implied by its pattern, so skipping a pattern when its test fails loses nothing. Literal
# tests (`in`, a C string search) come first; a regex runs only where they pass.
_DOMAIN = re.compile(r"\.(?:com|net|org|shop|store|co|io|cn|top|xyz|info|biz|me|uk|de)")
_PHONE_US = re.compile(r"[\-.]\d{4}")  # a charset first: searched faster than a digit first
_MOBILE_CN = re.compile(r"1[3-9]\d{9}")  # a literal first: searched by a fast scan for it
_MESSAGING = re.compile(r"加\s?[v微]|微信|vx|v信|wx|wechat|whatsapp|telegram|qq")
_ONE_TO_ONE = re.compile(r"1\s?[:：比]\s?1")
_CLAIM_VERB = re.compile(r"cur[ei]|treat|heal|reliev|eliminat|prevent|revers|alleviat")
_PREFILTERS: dict[str, Callable[[str], bool]] = {
    "contact-url": lambda t: "www." in t or "http" in t,
    "contact-domain": lambda t: "." in t and _DOMAIN.search(t) is not None,
    "contact-email": lambda t: "@" in t,
    "contact-phone-intl": lambda t: "+" in t and re.search(r"\+\d", t) is not None,
    "contact-phone-us": lambda t: ("-" in t or "." in t) and _PHONE_US.search(t) is not None,
    "contact-phone-cn": lambda t: "400" in t or _MOBILE_CN.search(t) is not None,
    "contact-messaging-id": lambda t: (":" in t or "：" in t) and _MESSAGING.search(t) is not None,
    "promo-percent-off": lambda t: "%" in t,
    "counterfeit-one-to-one": lambda t: "1" in t and _ONE_TO_ONE.search(t) is not None,
    "superlative-number-one": lambda t: "#" in t or "no." in t or ("number" in t and re.search(r"number\s", t) is not None),
    "medical-disease-claim": lambda t: _CLAIM_VERB.search(t) is not None,
    "pesticide-kills-percent": lambda t: "kill" in t,
}


_WORD_KEY = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")
_LATIN_WORD = re.compile(r"[a-z0-9]")
# ASCII text as bytes: everything but letters and digits to a space (the words-only copy)
_WORDS_ONLY = bytes(c if chr(c).isascii() and (chr(c).islower() or chr(c).isdigit()) else 32 for c in range(256))


def _separators_as_spaces(text: str) -> str:
    """`text.translate(_SEPARATORS)`, by C string replaces (a dict translate is 10x slower)."""
    for sep in _ASCII_SEPARATORS:
        if sep in text:
            text = text.replace(sep, " ")
    if not text.isascii():
        for sep in _OTHER_SEPARATORS:
            if sep in text:
                text = text.replace(sep, " ")
    return text


def _words_only(text: str) -> str | None:
    """The text with everything but ASCII letters and digits made a space, offsets kept,
    padded with a space at each end; None when it holds no such letter or digit. (Encoding
    writes one '?' for each character outside ASCII, which the table then makes a space.)"""
    if not text.isascii() and _LATIN_WORD.search(text) is None:
        return None
    return " " + text.encode("ascii", "replace").translate(_WORDS_ONLY).decode("ascii") + " "


class _Phrases:
    """Keys of two kinds in two automata: plain English word sequences, searched on a copy of
    the text where everything but ASCII letters and digits is a space (so every match is
    whole words and no match inside a word is ever reported), and the rest (Chinese, or
    keys with symbols such as '#1' or '1:1'), searched on the folded text."""

    def __init__(self, keys: dict[str, list]) -> None:
        self.words = {f" {k} ": v for k, v in keys.items() if _WORD_KEY.match(k)}
        self.other = {k: v for k, v in keys.items() if not _WORD_KEY.match(k)}
        self._word_ac = automaton(self.words)
        self._other_ac = automaton(self.other)

    def iter(self, text: str, words_text: str | None):
        """Yield (start, end, payload list) in folded-text offsets (`words_text`: see
        `_words_only`)."""
        if self._word_ac is not None and words_text is not None:
            for end, key in self._word_ac.iter(words_text):
                # words_text is the text padded with one space at each end
                yield end - len(key) + 1, end - 1, self.words[key]
        if self._other_ac is not None:
            for end, key in self._other_ac.iter(text):
                start = end - len(key) + 1
                if _bounded(text, start, end + 1, key):
                    yield start, end + 1, self.other[key]


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

    def find_text(self, text: str) -> list[SensitiveMatch]:
        """Sensitive terms and patterns in folded text (offsets into it)."""
        exempt = []
        found = []
        for start, end, (terms, exs) in self._phrases.iter(_separators_as_spaces(text), _words_only(text)):
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
            if not _PREFILTERS[rule](text):
                continue
            for m in pat.finditer(text):
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
    return not (_latin_alnum(key[-1]) and end < len(text) and _latin_alnum(text[end]))


def _exempted(spans, start: int, end: int, category: str) -> bool:
    return any(a <= start and end <= b and (cats is None or category in cats) for a, b, cats in spans)


assert set(_PREFILTERS) == {p[0] for p in _PATTERNS}, "every pattern needs its prefilter"
