"""Each matcher strategy on its own, table-driven: what it proposes and what it leaves
alone (the screener's context rules are tested in test_brand_matching.py)."""
import pytest

from app.engine.brand_matchers import (
    FuzzyMatcher,
    HanNameMatcher,
    HanNearSoundMatcher,
    HanSoundShapeMatcher,
    LatinNameMatcher,
    LeetMatcher,
    MixedNameMatcher,
    NamePartMatcher,
    PhoneticMatcher,
    RepeatedLetterMatcher,
)
from app.engine.document import FieldDoc
from app.engine.models import Field, MatchType

# (matcher, text, expected brand id or None, expected match type, why)
TABLE = [
    (LatinNameMatcher(), "Hydro Flask bottle", "hydro-flask", MatchType.EXACT, "two-word name with a space"),
    (LatinNameMatcher(), "HydroFlask bottle", "hydro-flask", MatchType.VARIANT, "two-word name run together"),
    (LatinNameMatcher(), "h y d r o f l a s k", "hydro-flask", MatchType.VARIANT, "letter-spaced"),
    (LatinNameMatcher(), "for d cells", None, None, "'for d' is not Ford: the space is not in the name"),
    (LatinNameMatcher(), "x n i k e s", None, None, "letter-spaced run longer than the name"),
    (LatinNameMatcher(), "Disneyesque castle", "disney", MatchType.DERIVATIVE, "fused suffix"),
    (LatinNameMatcher(), "Legolas figure", None, None, "'las' is not a style suffix"),
    (LatinNameMatcher(), "Prada-inspired tote", "prada", MatchType.DERIVATIVE, "hyphenated style suffix"),
    (LatinNameMatcher(), "шарф ар", None, None, "Cyrillic words are not Latin names"),
    (LeetMatcher(), "C0nverse high tops", "converse", MatchType.VARIANT, "0 for o"),
    (LeetMatcher(), "N95 mask", None, None, "model numbers are not leetspeak"),
    (LeetMatcher(), "4K TV", None, None, "too short for leetspeak"),
    (RepeatedLetterMatcher(), "Balenciagaa bag", "balenciaga", MatchType.VARIANT, "doubled last letter"),
    (RepeatedLetterMatcher(), "Coffee mug", None, None, "real words are skipped"),
    (FuzzyMatcher(), "Balenciage bag", "balenciaga", MatchType.FUZZY, "one substitution in a long name"),
    (FuzzyMatcher(), "Nkie shoes", "nike", MatchType.FUZZY, "four-letter name: swapped letters"),
    (FuzzyMatcher(), "Nice shoes", None, None, "a common word is never a typo"),
    (FuzzyMatcher(), "Niks shoes", None, None, "four-letter name: a new letter is not a swap"),
    (PhoneticMatcher(), "Nyke shoes", "nike", MatchType.HOMOPHONE, "same Metaphone key, one letter off"),
    (PhoneticMatcher(), "Neck pillow", None, None, "same key but an English word"),
    (HanNameMatcher(), "耐克男鞋", "nike", MatchType.EXACT, "Chinese name at a word boundary"),
    (HanNameMatcher(), "耐~克 男鞋", "nike", MatchType.VARIANT, "split by a tilde"),
    (HanNameMatcher(), "三星级酒店", None, None, "三星 inside the word 三星级"),
    (HanNameMatcher(), "乐高式积木", "lego", MatchType.DERIVATIVE, "name + 式"),
    (HanSoundShapeMatcher(), "阿迪达丝 卫裤", "adidas", MatchType.HOMOPHONE, "丝 for 斯, same syllable"),
    (HanSoundShapeMatcher(), "迪土尼 睡衣", "disney", MatchType.SHAPE, "土 for 士"),
    (HanSoundShapeMatcher(), "耐用 不粘锅", None, None, "no sound or shape match"),
    (HanNearSoundMatcher(), "古奇 竹节包", "gucci", MatchType.HOMOPHONE, "qi for chi, a common swap"),
    (HanNearSoundMatcher(), "雪蜜 蜂蜜", None, None, "b/m is not a usual swap (雪碧)"),
    (MixedNameMatcher(), "哆啦A梦 公仔", "doraemon", MatchType.EXACT, "name mixing Han and Latin"),
    (FuzzyMatcher(), "Chmapion hoodie", "champion", MatchType.FUZZY, "an everyday-word name is read too (loosely)"),
    (FuzzyMatcher(), "Minekraft mug", "minecraft", MatchType.FUZZY,
     "two frequent words run together (mine + kraft) is no compound unless both are dictionary words"),
    (PhoneticMatcher(), "Roleks watch", "rolex", MatchType.HOMOPHONE, "ks for x: spelt by sound the same"),
    (HanNameMatcher(), "耐 克 男鞋", "nike", MatchType.VARIANT, "split by spaces between lone characters"),
    (HanSoundShapeMatcher(), "高达30米 的 绳子", None, None, "a unit after a number is no lone character (米德)"),
    (NamePartMatcher(), "Calvin Kl3in briefs", "calvin-klein", MatchType.VARIANT, "leetspeak in the second word"),
    (NamePartMatcher(), "C4nada Goose parka", "canada-goose", MatchType.VARIANT, "leetspeak in the first word"),
    (NamePartMatcher(), "Michael Korz tote", "michael-kors", MatchType.HOMOPHONE, "a sound-alike word"),
    (NamePartMatcher(), "Louis Vuiton wallet", "louis-vuitton", MatchType.FUZZY, "a letter dropped from a long word"),
    (NamePartMatcher(), "Manchester Unit3d scarf", "manchester-united", MatchType.VARIANT,
     "leetspeak in a word that many names share (united)"),
    (NamePartMatcher(), "Kl3in briefs", None, None, "the name's other word is not there"),
    (NamePartMatcher(), "Kl3in Calvin briefs", None, None, "the words out of order"),
    (NamePartMatcher(), "Calvin. Kl3in briefs", None, None, "a phrase break between the words"),
    (NamePartMatcher(), "Michael Kors tote", None, None, "written as it is: the name matcher's, not this one's"),
]


@pytest.mark.parametrize("matcher,text,brand,match,why", TABLE, ids=[f"{t[0].name}: {t[4]}" for t in TABLE])
def test_matcher(engine, matcher, text, brand, match, why):
    doc = FieldDoc.build(Field.TITLE, None, text)
    cands = matcher.find(doc, engine.index)
    if brand is None:
        assert not cands, f"{why}: {[(c.entry.brand.id, c.entry.surface) for c in cands]}"
        return
    found = [c for c in cands if c.entry.brand.id == brand]
    assert found, f"{why}: {[(c.entry.brand.id, c.entry.surface) for c in cands]}"
    assert found[0].match == match, why
    s, e = doc.orig_span(found[0].start, found[0].end)
    assert text[s:e].strip() and found[0].explain is not None
