"""WordBoundaries cuts windows of Chinese text itself, from a dictionary without jieba's
prefix entries: its cut must be jieba's exact cut without HMM, word for word."""
from __future__ import annotations

import random

import jieba
import pytest

from app.engine.chinese import _JIEBA_BLOCK, WordBoundaries, jieba_with
from app.lists.loader import default_data_dir, list_files, load_brands

NAMES = ["耐克", "阿迪达斯", "乐高", "三星", "古驰", "华为", "小米", "蒂芙尼", "迪士尼"]
SENTENCES = [
    "三星级酒店预订优惠", "小米粥营养早餐", "耐克同款运动鞋男女透气", "适配卡西欧表带不锈钢",
    "苹果手机壳全包防摔", "甜美的连衣裙夏季新款", "乐高积木拼装玩具男孩益智", "迪士尼风儿童书包",
    "古驰风格女包斜挎", "华为平板保护套", "蒂芙尼蓝项链锁骨链",
    # characters outside jieba's block class (extension A, U+9FD6 and up, compatibility
    # ideographs) are words of their own, as in jieba
    "㐀㐁耐克鿖鿗乐高", "豈更車耐克", "中国㐂人民",
]


@pytest.fixture(scope="module")
def both() -> tuple[WordBoundaries, jieba.Tokenizer]:
    brands = load_brands(list_files(default_data_dir())[:-3])
    names = NAMES + [n for b in brands for n in b.zh_names]
    # jieba itself, with the same words added: its own cut is the reference
    return WordBoundaries(names), jieba_with(names)


def test_cut_is_jiebas_cut_without_hmm(both) -> None:
    ours, theirs = both
    rnd = random.Random(7)
    pool = "".join(SENTENCES) + "".join(NAMES)
    windows = list(SENTENCES)
    for _ in range(3000):  # windows cut from the sentences, and random mixes of their characters
        s = rnd.choice(SENTENCES)
        a = rnd.randrange(len(s))
        windows.append(s[a:a + rnd.randrange(1, 14)])
        windows.append("".join(rnd.choice(pool) for _ in range(rnd.randrange(1, 16))))
    for w in windows:
        assert list(ours.cut(w)) == [(a, b) for _, a, b in theirs.tokenize(w, HMM=False)], w


def test_dictionary_has_no_prefix_entries_but_keeps_words(both) -> None:
    ours, theirs = both
    assert all(ours.freq(w) == f for w, f in theirs.FREQ.items() if f)
    assert theirs.FREQ.get("阿迪达") == 0 and "阿迪达" not in ours._freq  # a prefix jieba keeps
    assert ours.freq("阿迪达斯") >= 5


def test_fits_keeps_the_documented_cases(both) -> None:
    ours, _ = both
    assert not ours.fits("三星级酒店", 0, 2)     # 三星|级: part of a longer word
    assert ours.fits("苹果手机壳", 0, 2)         # 苹果|手机: a compound of words
    assert ours.fits("耐克同款运动鞋", 0, 2)
    # 乐|高手|办: a made-up name followed by a word of its own stands if asked as coined
    assert not ours.fits("乐高手机壳", 0, 2)
    assert ours.fits("乐高手机壳", 0, 2, coined=True)     # 乐高|手机壳
    assert not ours.fits("忍耐克制", 1, 3, coined=True)   # the start is inside 忍耐
    assert not ours.fits("美的确很好", 0, 2, coined=True)  # 美|的确: 确 alone follows 美的


def test_pickled_boundaries_cut_the_same(both) -> None:
    import pickle

    ours, _ = both
    back = pickle.loads(pickle.dumps(ours))
    for s in SENTENCES:
        assert back.cut(s) == ours.cut(s)
    assert back.freq("耐克") == ours.freq("耐克")
    assert back._proper == ours._proper


def test_everyday_words_are_told_from_names(both) -> None:
    ours, _ = both
    assert ours.everyday_word("七夕")       # the Qixi festival (frequency 37, a time word)
    assert ours.everyday_word("散养")       # free-range (5, a verb)
    assert ours.everyday_word("手机")       # frequent
    assert not ours.everyday_word("奈克")   # a transliterated name (2): how Nike gets misspelt
    assert not ours.everyday_word("香奈尔") # a person's name (9): how Chanel gets misspelt
    assert not ours.everyday_word("阿迪达丝")  # not in the dictionary at all


def test_block_class_is_jiebas() -> None:
    # copied so that loading a snapshot needs no jieba import; it must stay jieba's own
    assert _JIEBA_BLOCK.pattern == jieba.re_han_default.pattern
    assert _JIEBA_BLOCK.flags == jieba.re_han_default.flags
