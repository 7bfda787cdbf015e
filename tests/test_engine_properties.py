"""Property tests: whatever text arrives, screening finishes and every hit points at its
own characters in the original field."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Listing

pieces = st.sampled_from([
    "Nike", "N1ke", "n i k e", "耐克", "耐-克", "奈克", "阿迪達斯", "iPhone 15", "for", "compatible with",
    "LV", "Apple", "苹果", "三星级", "free shipping", "100%", "1:1", "#1", "www.x.com", "+1 415 555 0100",
    "™", "…", "\u200b", "Ｎｉｋｅ", "ⓖⓤⓒⓒⓘ", "-", ".", ",", " ", "。", "★", "é", "ß", "\n",
    "\ud800",  # a lone surrogate, as JSON's \ud800 escape gives: the library takes any str
])
texts = st.one_of(
    st.lists(pieces, max_size=25).map("".join),
    st.text(max_size=200),  # any code point but surrogates (one of the pieces is one)
)


@given(title=texts, bullet=texts, description=texts, terms=texts, category=st.one_of(st.none(), texts))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_screens_with_valid_spans(engine, title, bullet, description, terms, category):
    listing = Listing(title=title, bullets=(bullet, title), description=description, search_terms=terms,
                      category=category, brand="Nike")
    res = engine.screen(listing)
    assert res.verdict.value in ("block", "review", "pass") and 0 <= res.risk_score <= 100
    for h in res.hits:
        src = listing.bullets[h.index] if h.field.value == "bullets" else getattr(listing, h.field.value)
        assert 0 <= h.start <= h.end <= len(src)
        assert src[h.start:h.end] == h.text
        assert not (h.brand and h.brand.id == "nike"), "own brand reported"
