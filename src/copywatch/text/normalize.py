"""Arabic-first text folding and tokenization, with offsets back into the original text.

Copies differ from their originals in exactly the details folded here: hamza and alef forms, final
yaa/alef maqsura, taa marbuta/haa, harakat, tatweel, Arabic-Indic digits, punctuation. Folding is
letter-preserving (it maps letters, never deletes them), idempotent, and has no stemming: stemming
raises false matches more than it raises recall.

Tokens keep their character offsets in the text they came from, so the copied passages found on
normalized tokens can be highlighted in the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

# Harakat and other Arabic combining marks (U+0610-061A, U+064B-065F, U+0670, U+06D6-06ED).
_MARKS = "".join(
    chr(c)
    for r in ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED))
    for c in range(r[0], r[1] + 1)
)
_TATWEEL = "\u0640"
# Bidi, zero-width and other invisible controls.
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c\u00ad"
)

_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian yeh
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ک": "ك",  # Persian keheh
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _FOLD[chr(0x06F0 + _i)] = str(_i)  # Persian digits
for _c in _MARKS + _TATWEEL + _INVISIBLE:
    _FOLD[_c] = ""
_TABLE = str.maketrans(_FOLD)

# A token is a run of letters/digits, with the marks and joiners that may sit inside a word.
# (str.isalnum() is False for a word carrying harakat, so don't tokenize with it.)
_TOKEN_RE = re.compile(r"[^\W_]+(?:[" + re.escape(_MARKS + _TATWEEL + _INVISIBLE) + r"]+[^\W_]*)*")


def fold(text: str) -> str:
    """NFKC, then fold letter variants and digits, drop marks/tatweel/controls, case-fold Latin."""
    return unicodedata.normalize("NFKC", text).translate(_TABLE).casefold()


@dataclass(frozen=True)
class Tokens:
    """Normalized tokens of a text and each token's [start, end) character span in that text."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)


# Folded form of each raw token seen so far. News text is Zipfian: a few thousand distinct tokens
# make up most of any article, so folding each distinct token once (NFKC is the slow part) and
# looking the rest up is several times faster than folding every occurrence. Bounded so a long
# scan cannot grow it forever; clearing it only costs speed, never changes a result.
_FOLD_CACHE: dict[str, tuple[str, ...]] = {}
_FOLD_CACHE_MAX = 100_000


def fold_token(raw: str) -> tuple[str, ...]:
    """The normalized word(s) of one raw token (usually one; NFKC can expand e.g. U+FDFA to several)."""
    hit = _FOLD_CACHE.get(raw)
    if hit is not None:
        return hit
    folded = fold(raw)
    out = (folded,) if folded.isalnum() else tuple(w for w in _TOKEN_RE.findall(folded) if w)
    if len(_FOLD_CACHE) >= _FOLD_CACHE_MAX:
        _FOLD_CACHE.clear()
    _FOLD_CACHE[raw] = out
    return out


def _unit_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per UTF-16 code unit: its folded unit, whether folding deletes it, whether it is a word char."""
    folded = np.arange(1 << 16, dtype=np.uint16)
    delete = np.zeros(1 << 16, dtype=bool)
    for c, rep in _FOLD.items():
        if rep:
            folded[ord(c)] = ord(rep)
        else:
            delete[ord(c)] = True
    # a word char is what [^\W_] matches, i.e. str.isalnum() (lone surrogates are not)
    is_word = np.array([chr(c).isalnum() for c in range(1 << 16)], dtype=bool)
    return folded, delete, is_word


_FOLD_UNIT, _DELETE_UNIT, _WORD_UNIT = _unit_tables()


def _inert_table() -> np.ndarray:
    """Units that NFKC changes but that are never part of a token, before or after (NBSP, ellipsis)."""
    inert = np.zeros(1 << 16, dtype=bool)
    for c in range(1 << 16):
        ch = chr(c)
        if _WORD_UNIT[c] or _DELETE_UNIT[c] or 0xD800 <= c < 0xE000:
            continue
        nf = unicodedata.normalize("NFKC", ch)
        if nf != ch and not any(x.isalnum() or x in _FOLD for x in nf):
            inert[c] = True
    return inert


_INERT_UNIT = _inert_table()


def _tokens_normalized(text: str) -> bool:
    """Whether NFKC leaves every token of the text as it is (so folding works character by character).

    Checked on the whole text, with the characters that cannot touch a token (a no-break space is
    the usual one) made plain spaces first.
    """
    if unicodedata.is_normalized("NFKC", text):
        return True
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    inert = _INERT_UNIT[units]
    if not inert.any():
        return False
    plain = np.where(inert, np.uint16(32), units).tobytes().decode("utf-16-le", "surrogatepass")
    return unicodedata.is_normalized("NFKC", plain)


@dataclass(frozen=True)
class Split:
    """A text folded and cut into words with numpy (see ``split``).

    ``units`` are the folded UTF-16 code units; word i is ``units[starts[i]:ends[i]]`` and came from
    ``text[text_starts[i]:text_ends[i]]`` (its trailing marks included, as ``tokenize`` does).
    """

    units: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    text_starts: np.ndarray
    text_ends: np.ndarray


def split(text: str) -> Split | None:
    """Fold and tokenize with table lookups, no Python loop; None when the text needs ``tokenize``.

    Exactly ``tokenize``'s words and offsets, for texts that are already NFKC-normalized, all in the
    BMP and unchanged in length by case folding, i.e. nearly all news text. Why it agrees: marks,
    tatweel and invisible controls are exactly what a token may carry inside, and exactly what
    folding deletes, so deleting them first and taking maximal runs of word characters gives the
    same words; folding is per character once NFKC has nothing to do.
    """
    raw = text.casefold().encode("utf-16-le", "surrogatepass")
    if len(raw) != 2 * len(text) or not _tokens_normalized(text):
        return None
    raw_units = np.frombuffer(raw, dtype=np.uint16)
    kept = np.flatnonzero(~_DELETE_UNIT[raw_units])
    units = _FOLD_UNIT[raw_units[kept]]
    edges = np.diff(_WORD_UNIT[units].astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    # the conjunction و typed apart from its word («و الرياح», «و(جيمي)», «و "التعذيب"»): spaces
    # and an opening bracket or quote between them are dropped, so it joins the word as it is
    # normally written («والرياح»); other marks («و #زعيم», «و.») and line breaks keep it apart.
    if len(starts) > 1:
        lone = np.flatnonzero((ends[:-1] - starts[:-1] == 1) & (units[starts[:-1]] == _WAW))
        lone = lone[_is_arabic_letter(units[starts[lone + 1]])]
        if len(lone):
            drop = np.zeros(len(units), dtype=bool)
            joined = -2  # a و joined to the و before it is no longer lone («و و و إلخ»: «وو وإلخ»)
            for i in lone.tolist():
                if i - 1 != joined and _WAW_GAP_UNIT[units[ends[i] : starts[i + 1]]].all():
                    drop[ends[i] : starts[i + 1]] = True
                    joined = i
            if drop.any():
                kept, units = kept[~drop], units[~drop]
                edges = np.diff(_WORD_UNIT[units].astype(np.int8), prepend=np.int8(0), append=np.int8(0))
                starts = np.flatnonzero(edges == 1)
                ends = np.flatnonzero(edges == -1)
    # A token runs to the next kept character: the deleted ones after its last letter are its marks.
    after = np.append(kept, len(text))
    # It starts at its first letter, or earlier at a deleted word character (tatweel is one) in the
    # deleted run just before that letter.
    text_starts = kept[starts]
    deleted_words = np.flatnonzero(_DELETE_UNIT[raw_units] & _WORD_UNIT[raw_units])
    if len(deleted_words) and len(starts):
        run_from = np.where(starts > 0, kept[np.maximum(starts - 1, 0)] + 1, 0)
        first = np.searchsorted(deleted_words, run_from)
        at = deleted_words[np.minimum(first, len(deleted_words) - 1)]
        text_starts = np.where((first < len(deleted_words)) & (at < text_starts), at, text_starts)
    return Split(units, starts, ends, text_starts, after[ends])


def tokenize(text: str) -> Tokens:
    """Split on everything that is not part of a word (Arabic and Latin punctuation included)."""
    fast = split(text)
    if fast is not None:
        folded = fast.units.tobytes().decode("utf-16-le", "surrogatepass")
        return Tokens(
            tuple(folded[a:b] for a, b in zip(fast.starts.tolist(), fast.ends.tolist(), strict=True)),
            tuple(fast.text_starts.tolist()),
            tuple(fast.text_ends.tolist()),
        )
    return _tokenize_by_token(text)


def _tokenize_by_token(text: str) -> Tokens:
    """The reference tokenizer (regex tokens, each folded on its own); ``split`` must agree with it."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    joining = False  # the last word is a lone و
    for m in _TOKEN_RE.finditer(text):
        if joining and not all(c in WAW_GAP or c in _SKIPPED for c in text[ends[-1] : m.start()]):
            joining = False
        # each word a token folds into keeps the token's span
        for n, w in enumerate(fold_token(m.group())):
            if joining and n == 0 and w and _is_arabic_letter(np.uint16(ord(w[0]))):
                words[-1] += w  # «و الرياح» is «والرياح»
                ends[-1] = m.end()
                continue
            words.append(w)
            starts.append(m.start())
            ends.append(m.end())
        joining = words[-1:] == ["و"]
    return Tokens(tuple(words), tuple(starts), tuple(ends))


_WAW = np.uint16(ord("و"))
# What may stand between a lone و and the word it joins: spaces, and a bracket or quote opening it
WAW_GAP = frozenset(" ([{«\"“‘'")
_WAW_GAP_UNIT = np.zeros(1 << 16, dtype=bool)
_WAW_GAP_UNIT[[ord(c) for c in WAW_GAP]] = True
_SKIPPED = frozenset(_MARKS + _TATWEEL + _INVISIBLE)


def _is_arabic_letter(u: Any) -> Any:
    """An array (or one code unit) of Arabic letters ء..ي."""
    return (u >= 0x0621) & (u <= 0x064A)


def words(text: str) -> list[str]:
    """``tokenize(text).words``, as a list."""
    return list(tokenize(text).words)


def normalize_text(text: str) -> str:
    """The folded words of a text joined by single spaces: for comparisons (titles, markers).

    A lone و left apart from its word by the tokenizer («و #زعيم», a line break) is joined to it
    here: the words joined by spaces are text again, and normalizing must give them back unchanged.
    """
    out: list[str] = []
    for w in tokenize(text).words:
        if out and out[-1] == "و" and _is_arabic_letter(np.uint16(ord(w[0]))):
            out[-1] += w
        else:
            out.append(w)
    return " ".join(out)


# ---------------------------------------------------------------------------------------------------
# The second fold: names and credit phrases (used by attribution), beside the matcher's above
# ---------------------------------------------------------------------------------------------------
#
# Both folds agree on what makes two spellings the same word: hamza and madda on alef, waw and yaa
# (أ إ آ ٱ -> ا, ؤ -> و, ئ -> ي), ى/ی -> ي, ک -> ك, ة -> ه, harakat, tatweel, invisible bidi and
# zero-width controls (U+200F ...), Arabic-Indic and Persian digits, Latin case. They differ where
# their jobs differ:
# - the matcher's fold (``fold``/``tokenize``) maps letter by letter and keeps offsets into the
#   original text, so copied passages can be highlighted; it drops punctuation between words;
# - the names fold (``fold_for_names``) decomposes (NFKD) and drops every combining mark, so Latin
#   accents fold too ("Crédit" = "credit", "Al-Yaoum" = "al yaoum"), and it keeps punctuation,
#   folding the quotes to ASCII: a credit is recognised by what stands around the name (the
#   parentheses of «(واس)», the dash of «الرياض - واس», the colon of «المصدر:»). Its offsets refer
#   to the folded string, which is all the credit check needs.

_NAME_TABLE = str.maketrans(
    {
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # keheh
        "ٱ": "ا",  # alef wasla (no decomposition)
        "ة": "ه",
        "ـ": "",  # tatweel
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        **{c: "" for c in _INVISIBLE},
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended (Persian) digits
    }
)
NAME_WORD = re.compile(r"\w+")


# The BMP's combining marks, deleted by one pattern (a translate table with a thousand entries looks
# every letter up in a dict: five times slower on Arabic text).
_COMBINING_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(1 << 16) if unicodedata.combining(chr(c))) + "]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# _NAME_TABLE applied as str.translate would, faster: the letters Arabic text carries on every line
# replaced one by one, the rare characters (quotes, invisible controls, digits) by one pattern. No
# replacement is a key of another, so the order does not matter.
_NAME_COMMON = (("ى", "ي"), ("ی", "ي"), ("ک", "ك"), ("ٱ", "ا"), ("ة", "ه"), ("ـ", ""))
_NAME_RARE = {chr(k): v for k, v in _NAME_TABLE.items() if chr(k) not in dict(_NAME_COMMON)}
_NAME_RARE_CHARS = re.compile("[" + re.escape("".join(_NAME_RARE)) + "]")


def _rare_name_char(m: re.Match[str]) -> str:
    return _NAME_RARE[m.group()]


@functools.lru_cache(maxsize=8192)
def fold_for_names(text: str) -> str:
    """Fold spelling variants so names and phrases compare equal however they were typed.

    NFKD then dropping combining marks removes harakat and the hamza/madda carried by alef, waw and
    yaa (أ إ آ -> ا, ؤ -> و, ئ -> ي) as well as Latin accents (Crédit -> credit); then ى ی -> ي,
    ک -> ك, ٱ -> ا, ة -> ه, tatweel and invisible controls removed, digits to ASCII, Latin
    case-folded. Punctuation is kept (see above). Cached: the credit check folds each sentence of
    a page several times (notice, names, datelines).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        stripped = decomposed
    elif _ASTRAL.search(decomposed) is None:
        stripped = _COMBINING_MARKS.sub("", decomposed)
    else:  # marks outside the BMP (rare): one by one
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not unicodedata.is_normalized("NFC", stripped):  # most text is, once its marks are gone
        stripped = unicodedata.normalize("NFC", stripped)
    for a, b in _NAME_COMMON:
        stripped = stripped.replace(a, b)
    return _NAME_RARE_CHARS.sub(_rare_name_char, stripped).casefold()


def name_tokens(text: str) -> list[str]:
    """The words of a text under the names fold."""
    return NAME_WORD.findall(fold_for_names(text))
