"""Arabic-first text folding and tokenization, with offsets back into the original text.

Copies differ from their originals in exactly the details folded here: hamza and alef forms, final
yaa/alef maqsura, taa marbuta/haa, harakat, tatweel, Arabic-Indic digits, punctuation. Folding is
letter-preserving (it maps letters, never deletes them), idempotent, and has no stemming: stemming
raises false matches more than it raises recall.

Tokens keep their character offsets in the text they came from, so the copied passages found on
normalized tokens can be highlighted in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


def tokenize(text: str) -> Tokens:
    """Split on everything that is not part of a word (Arabic and Latin punctuation included)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN_RE.finditer(text):
        folded = fold(m.group())
        # NFKC can expand one character into several words (e.g. U+FDFA); keep each, same span.
        for w in _TOKEN_RE.findall(folded) if not folded.isalnum() else (folded,):
            if w:
                words.append(w)
                starts.append(m.start())
                ends.append(m.end())
    return Tokens(tuple(words), tuple(starts), tuple(ends))


def normalize_text(text: str) -> str:
    """The folded words of a text joined by single spaces: for comparisons and TF-IDF."""
    return " ".join(tokenize(text).words)
