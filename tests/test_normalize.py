"""The folding offset map: every folded span maps back to the exact original characters."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.document import split_words
from app.engine.normalize import fold

CASES = [
    # (original, folded, why)
    ("ＮＩＫＥ", "nike", "fullwidth letters fold to ASCII"),
    ("阿迪達斯", "阿迪达斯", "Traditional folds to Simplified, one character for one"),
    ("Her\u200bmès", "hermes", "zero-width space dropped, accent stripped"),
    ("Nіke", "nike", "Cyrillic і reads as i"),
    ("Hoոda", "honda", "Armenian ո reads as n"),
    ("𝓓𝓲𝓸𝓻", "dior", "mathematical script letters"),
    ("ⓖⓤⓒⓒⓘ", "gucci", "circled letters"),
    ("straße", "strasse", "ß folds to ss (longer than the original)"),
    ("a\tb\x07c", "a\tb c", "control characters become spaces"),
    ("Nike™ Air…", "nike  air ", "symbols that expand keep one character; ™ does not glue 'tm' to the name"),
]


def test_examples():
    for original, folded, why in CASES:
        assert fold(original).text == folded, why


def test_span_points_at_original_characters():
    f = fold("Buy ＮＩＫＥ now")
    i = f.text.index("nike")
    s, e = f.span(i, i + 4)
    assert "Buy ＮＩＫＥ now"[s:e] == "ＮＩＫＥ"
    g = fold("x Her\u200bmès y")
    i = g.text.index("hermes")
    s, e = g.span(i, i + 6)
    assert "x Her\u200bmès y"[s:e] == "Her\u200bmès"



def test_a_character_that_changes_length_is_mapped_the_first_time_it_is_seen():
    """fold learns which characters fold to none or several as it meets them; the text in
    which one first appears must already take the offset map (and every later text too)."""
    for text in ("型号\ufb03ce款", "再\ufb03ce一次", "\u2169\u200d号"):  # ﬃ ligature, Roman numeral ten, zero-width joiner
        f = fold(text)
        for word in ("ffice", "x"):
            if word in f.text:
                i = f.text.index(word)
                s, e = f.span(i, i + len(word))
                assert fold(text[s:e]).text == word, (text, word)
        assert f.src is not None and len(f.src) == len(f.text), text

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("ＮＩＫＥ阿迪達斯\u200b\u200dßﬁ①ⓖ𝓓іο耐克 -.")),
    ),
    max_size=60,
)


@given(texts)
@settings(max_examples=400, deadline=None)
def test_offset_map_is_monotonic_and_in_bounds(text):
    f = fold(text)
    if f.src is None:
        assert len(f.text) == len(text)
        return
    assert len(f.src) == len(f.text)
    assert all(0 <= i < len(text) for i in f.src)
    assert all(a <= b for a, b in zip(f.src, f.src[1:]))


@given(texts, st.data())
@settings(max_examples=400, deadline=None)
def test_every_span_round_trips(text, data):
    """Folding the original characters behind a folded span gives back that span's text."""
    f = fold(text)
    if not f.text:
        return
    a = data.draw(st.integers(0, len(f.text) - 1))
    b = data.draw(st.integers(a + 1, len(f.text)))
    s, e = f.span(a, b)
    assert 0 <= s < e <= len(text)
    assert f.text[a:b] in fold(text[s:e]).text


def test_a_lone_surrogate_folds_to_the_replacement_character_in_place():
    from app.engine.normalize import fold

    folded = fold("Ni\ud800ke \udfff耐克")
    assert folded.text == "ni\ufffdke \ufffd耐克" and folded.src is None


def test_the_engine_screens_text_with_lone_surrogates(engine):
    from app.engine import Listing

    result = engine.screen(Listing(title="Nike \ud800 shoes 耐克", bullets=("a\udfff b",)))
    assert {h.brand.name for h in result.hits if h.brand} == {"Nike"}


SPLITS = [
    # (folded text, words, why)
    ("nike t恤 黑色", ["nike"], "the t of t恤 is the product word's, written apart too"),
    ("nike" + "t恤 黑色", ["nike"], "the t of t恤 glued to a Latin word is the product word's"),
    ("adidasu盘 64g", ["adidas", "64g"], "likewise u盘"),
    ("smart tv", ["smart", "tv"], "no such product word: words as always"),
]


@pytest.mark.parametrize("text,words,why", SPLITS, ids=[c[2] for c in SPLITS])
def test_split_words(text, words, why):
    parts = split_words(text)
    assert "".join(parts) == text
    assert parts[1::2] == words


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abt uv恤盘领字版q1-", max_size=30))
def test_split_words_keeps_every_character(text):
    parts = split_words(text)
    assert "".join(parts) == text and len(parts) % 2 == 1
    assert all(w and w.isalnum() for w in parts[1::2])
