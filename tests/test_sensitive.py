"""Sensitive terms and contact patterns, table-driven, with the ordinary phrases that
must stay quiet. Our own sentences, one per kind of case."""
import pytest

from app.engine import Listing

# (text, expected category or None, why)
CASES = [
    ("Heals eczema in 3 days", "medical_claim", "disease treatment claim"),
    ("Relieves arthritis pain naturally", "medical_claim", "disease claim"),
    ("有效治疗失眠", "medical_claim", "Chinese 治疗"),
    ("Copper insoles that relieve sciatica and gout", "medical_claim", "a claim verb before a condition (pattern)"),
    ("Herbal capsules prevent kidney stones", "medical_claim", "a condition two words after the verb"),
    ("Dog chews for arthritis, treats for joint arthritis", "medical_claim", "a condition after 'treats for'"),
    ("Antimicrobial cutting board", "pesticide_claim", "antimicrobial treated article"),
    ("Kills 99.9% of germs on contact", "pesticide_claim", "germ kill percentage"),
    ("抗菌防霉 砧板", "pesticide_claim", "Chinese 抗菌/防霉"),
    ("除蟎噴霧", "pesticide_claim", "Traditional 除蟎"),
    ("100% biodegradable trash bags", "environmental_claim", "biodegradable"),
    ("可降解 垃圾袋", "environmental_claim", "Chinese 可降解"),
    ("Big sale today, free shipping", "promotional", "sale + free shipping"),
    ("限时秒杀 包邮", "promotional", "Chinese promo phrases"),
    ("World's best coffee grinder", "superlative", "world's best"),
    ("全网最低价 国家级品质", "superlative", "Chinese 极限词"),
    ("Replica designer watch, AAA replica", "counterfeit_signal", "replica"),
    ("高仿 原单 尾货", "counterfeit_signal", "Chinese counterfeit jargon"),
    ("Contact: sales@example-shop.com", "contact_info", "e-mail address"),
    ("Order at https://shop.example.net/item", "contact_info", "URL"),
    ("Call +1 415 555 0100 for bulk orders", "contact_info", "international phone"),
    ("微信：shop_2024x 咨询", "contact_info", "WeChat id"),
    ("CBD gummies 500mg", "prohibited_item", "CBD"),
    ("Butterfly knife trainer balisong", "prohibited_item", "balisong"),
    ("防狼电击器", "prohibited_item", "stun device"),
]

QUIET = [
    ("UV cure nail gel lamp", "UV cure is a process"),
    ("Cure for boredom travel game", "an idiom (exemption)"),
    ("Pink ribbon t-shirt, hope for a cure for cancer", "awareness wording (exemption)"),
    ("Soft dog treats, chicken flavour, for small breeds", "treats as a noun with no condition"),
    ("Retail sale sign pack, red and white", "shop signage (exemption)"),
    ("Water treatment tablets for aquariums", "water treatment"),
    ("BPA-free water bottle", "BPA-free is a material fact"),
    ("Hands-free phone mount", "hands-free"),
    ("Cotton tank top for women", "tank top"),
    ("First aid kit for cars", "first aid kit"),
    ("Requires 4 AAA batteries", "AAA batteries"),
    ("Wholesale lot of 100 keychains", "wholesale is not a sale"),
    ("Dry cured ham, aged 18 months", "cured food"),
    ("男女同款 卫衣", "男女同款 means unisex"),
    ("最大3A 快充 数据线", "最大3A is a specification"),
    ("第一层 收纳盒", "第一层 is the first layer"),
    ("1:12 scale dollhouse furniture", "a scale ratio is not 1:1"),
    ("Model 2024-05-17, 8 x 10.5 inch", "dates and sizes are not phone numbers"),
    ("Episode II Attack of the Clones battle droid figure", "a film's title (exemption)"),
    ("Consumer rights guide: the Sale of Goods Act explained", "a statute's name (exemption)"),
    ("抗菌素 药理学 教材", "抗菌素 is antibiotics, not an antimicrobial claim (exemption)"),
    ("Track pieces compatible with the leading brand of wooden railway", "a statement of fit, not a claim to lead (exemption)"),
]


@pytest.mark.parametrize("text,category,why", CASES, ids=[c[2] for c in CASES])
def test_flags(engine, text, category, why):
    res = engine.screen(Listing(title=text))
    cats = {h.category for h in res.hits if h.kind.value == "sensitive" and h.severity.value in ("high", "medium")}
    assert category in cats, f"{why}: got {[(h.text, h.category) for h in res.hits]}"
    for h in res.hits:
        assert text[h.start:h.end] == h.text


@pytest.mark.parametrize("text,why", QUIET, ids=[c[1] for c in QUIET])
def test_quiet(engine, text, why):
    res = engine.screen(Listing(title=text))
    hits = [(h.text, h.category) for h in res.hits if h.kind.value == "sensitive" and h.severity.value in ("high", "medium")]
    assert not hits, why


def test_every_hit_has_reason_and_term(engine):
    res = engine.screen(Listing(title="Antibacterial eco-friendly sponge, best seller"))
    assert res.hits
    for h in res.hits:
        assert h.reason and h.term and h.category


def test_pathological_input_completes_with_valid_spans(engine):
    """Patterns are bounded (no nested unbounded repetition): long runs of near-matches
    finish and every span still points at its text. (Speed is measured in bench/.)"""
    text = "a" * 20000 + "@" + "b." * 5000 + "+" + "1 " * 5000 + "www." + "x" * 3000
    res = engine.screen(Listing(description=text))
    for h in res.hits:
        assert text[h.start:h.end] == h.text


def test_own_brand_name_is_not_a_claim(engine):
    """A seller called "Best Choice" has no superlative in its own name."""
    res = engine.screen(Listing(title="Best Choice Products Kids Tent", brand="Best Choice Products"))
    assert not [h for h in res.hits if h.kind.value == "sensitive"]
    res = engine.screen(Listing(title="Best Choice Products Kids Tent, the best tent", brand="Best Choice Products"))
    assert [h.text for h in res.hits if h.kind.value == "sensitive"] == ["best"]
