"""Turkish-aware casefolding, sorting and searching of names."""
from __future__ import annotations

from booking.i18n.text import matches, turkish_casefold, turkish_sort_key, turkish_sorted


def test_casefold_follows_the_turkish_dotted_and_dotless_i() -> None:
    assert turkish_casefold("IĞDIR") == "ığdır"
    assert turkish_casefold("İSTANBUL") == "istanbul"
    assert turkish_casefold("ŞİŞLİ ÇÖÜ") == "şişli çöü"


def test_names_sort_in_the_turkish_alphabet() -> None:
    names = ["Zeytin Derneği", "Çınar Vakfı", "İzmir Girişimi", "Ilgaz Platformu", "Cumhuriyet",
             "Şafak", "Sabah", "Ödül", "Orman", "Ümit", "Uğur", "ılık", "inci", "Göl", "Ğ"]
    assert turkish_sorted(names, key=str) == [
        "Cumhuriyet", "Çınar Vakfı", "Göl", "Ğ", "Ilgaz Platformu", "ılık", "inci",
        "İzmir Girişimi", "Orman", "Ödül", "Sabah", "Şafak", "Uğur", "Ümit", "Zeytin Derneği"]


def test_sort_key_ignores_case_and_puts_shorter_prefixes_first() -> None:
    assert turkish_sort_key("ışık") == turkish_sort_key("IŞIK")
    assert turkish_sort_key("Ada") < turkish_sort_key("Ada Derneği")


def test_search_matches_every_word_in_any_field() -> None:
    assert matches("ışık", "IŞIK Gençlik Kooperatifi")
    assert matches("istanbul kadın", "İSTANBUL Kadın Platformu")
    assert not matches("isik", "Işık Derneği")  # i and ı are different letters
    assert matches("örnek", "Dernek", "ornek@example.org", "ÖRNEK-34") is True
    assert matches("", "anything")
