"""RELIABILITY #11: BOM > header > meta > detection; Arabic survives byte-exact."""

from __future__ import annotations

import pytest

from copywatch.text.charset import codec_name, decode_html

ARABIC = (
    "أعلنت وزارة الداخلية اليوم عن إجراءات جديدة لتنظيم حركة السير في المدن الكبرى، "
    "وذلك بعد سلسلة من الحوادث التي شهدتها الطرق خلال الأسابيع الماضية. "
    "وقال مصدر مسؤول إن هذه الإجراءات ستدخل حيز التنفيذ ابتداء من الشهر المقبل."
)


def page(meta: str = "") -> str:
    return f"<html><head>{meta}<title>خبر حصري</title></head><body><p>{ARABIC}</p></body></html>"


@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6"])
@pytest.mark.parametrize(
    "case",
    ["no_header", "meta_only", "http_equiv_only", "wrong_header_utf8", "wrong_header_latin1", "right_header"],
)
def test_arabic_single_byte_pages_decode_exactly(encoding: str, case: str) -> None:
    meta = {
        "meta_only": f'<meta charset="{encoding}">',
        "http_equiv_only": f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        "wrong_header_latin1": f'<meta charset="{encoding}">',
    }.get(case, "")
    header = {
        "wrong_header_utf8": "text/html; charset=utf-8",
        "wrong_header_latin1": "text/html; charset=ISO-8859-1",
        "right_header": f"text/html; charset={encoding}",
    }.get(case, "text/html")
    source = page(meta)
    text, used = decode_html(source.encode(encoding), header)
    assert text == source
    assert used == codec_name(encoding)


def test_bom_wins_over_header_and_meta() -> None:
    source = page('<meta charset="windows-1256">')
    text, used = decode_html(b"\xef\xbb\xbf" + source.encode("utf-8"), "text/html; charset=windows-1256")
    assert (text, used) == (source, "utf-8")


def test_header_wins_over_meta_when_it_decodes() -> None:
    source = page('<meta charset="iso-8859-6">')
    text, used = decode_html(source.encode("cp1256"), "text/html; charset=windows-1256")
    assert (text, used) == (source, "cp1256")


def test_utf8_without_any_declaration() -> None:
    source = page()
    assert decode_html(source.encode("utf-8"), None) == (source, "utf-8")


def test_garbage_never_raises_and_gives_text() -> None:
    text, used = decode_html(bytes(range(256)) * 4, "text/html; charset=nonsense")
    assert isinstance(text, str) and used


def test_labels_follow_the_html_standard() -> None:
    assert codec_name("ISO-8859-1") == "cp1252"
    assert codec_name("ISO-8859-6-I") == "iso8859-6"
    assert codec_name("windows-1256") == "cp1256"
    assert codec_name("no-such-charset") is None
