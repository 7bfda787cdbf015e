"""Listing-policy rules (kind "policy"), table-driven."""
import pytest

from app.engine import Listing

# (listing kwargs, expected rule id or None, expected text or None, why)
CASES = [
    ({"title": "A" * 150 + " " + "b" * 60}, "amz-title-length", "b" * 11, "the part past 200 characters"),
    ({"title": "Cotton socks, 6 pairs"}, None, None, "a short plain title"),
    ({"title": "Great socks!!! Buy now"}, "amz-title-chars", "!!!", "a run of forbidden characters is one finding"),
    ({"title": "Socks socks socks for men"}, "amz-title-repeat", "socks", "third use of a word"),
    ({"title": "Socks for men and for women and for kids"}, None, None, "prepositions and conjunctions may repeat"),
    ({"title": "WARM WOOL SOCKS FOR WINTER HIKING"}, "amz-title-caps", None, "shouting title"),
    ({"title": "USB-C cable 2m, PD 60W"}, None, None, "a few capitals are fine"),
    ({"title": "Socks", "bullets": ["★ Warm and soft ✔"]}, "amz-bullet-symbols", "★", "decorative symbols in bullets"),
    ({"title": "Socks", "bullets": ["Made by Acme® in Portugal"]}, None, None, "® is not decorative"),
    ({"title": "Kettle", "bullets": ["Keeps water at 80°C"]}, None, None, "a degree sign is a unit"),
    ({"title": "Mug", "bullets": ["Gift for mum ❤️"]}, "amz-bullet-symbols", "❤", "emoji heart"),
    ({"title": "纯棉袜子 男士 十双装"}, None, None, "Chinese text has no capitals to shout with"),
]


@pytest.mark.parametrize("kwargs,rule,text,why", CASES, ids=[c[3] for c in CASES])
def test_policy(engine, kwargs, rule, text, why):
    lst = Listing(**{k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()})
    res = engine.screen(lst)
    policy = [h for h in res.hits if h.kind.value == "policy"]
    if rule is None:
        assert not policy, f"{why}: {[(h.rule, h.text) for h in policy]}"
        return
    found = [h for h in policy if h.rule == rule]
    assert found, f"{why}: {[(h.rule, h.text) for h in policy]}"
    if text is not None:
        assert found[0].text == text, why
    for h in policy:
        src = lst.bullets[h.index] if h.index is not None else getattr(lst, h.field.value)
        assert src[h.start:h.end] == h.text and h.reason and h.match.value == "rule"


def test_brand_in_search_terms_is_a_policy_hit(engine):
    res = engine.screen(Listing(title="Running shoes", search_terms="running shoes nike air max"))
    policy = [h for h in res.hits if h.kind.value == "policy" and h.rule == "amz-search-terms-brand"]
    brand = [h for h in res.hits if h.kind.value == "brand"]
    assert policy and brand and {(h.start, h.end) for h in policy} <= {(h.start, h.end) for h in brand}
    assert all(h.field.value == "search_terms" and h.severity.value == "high" for h in policy)
    # the seller's own brand is fine in search terms
    res = engine.screen(Listing(title="Running shoes", search_terms="nike running shoes", brand="Nike"))
    assert not [h for h in res.hits if h.rule == "amz-search-terms-brand"]


@pytest.mark.parametrize("text", [
    "WARM WOOL SOCKS for winter", "plain lower case", "", "ÉTÉ Été straße ΑΘΗΝΑ αθηνα МОСКВА москва",
    "耐克 NIKE 运动鞋 shoes", "Ⅻ ﬃ ǅ Σσς", "MiXeD 123 !!! _ Ω",
])
def test_letter_counts_agree_with_the_letter_classes(text):
    """letter_counts takes a bytes shortcut for ASCII text and counts runs otherwise; both
    must count what the _UPPER and _LOWER classes say, one letter at a time."""
    from app.engine.policy import _LOWER, _UPPER, letter_counts
    assert letter_counts(text) == (len(_UPPER.findall(text)), len(_LOWER.findall(text)))
