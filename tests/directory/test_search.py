import pytest

from halyq.directory.search import query_terms, search_key


@pytest.mark.parametrize(
    ("spelling_a", "spelling_b"),
    [
        ("Әлихан Нұрланов", "Alikhan Nurlanov"),
        ("Әлихан", "Álihan"),
        ("Алихан", "Alihan"),
        ("Жандос", "Zhandos"),
        ("Жандос", "Jandos"),
        ("Қасымова", "Kasymova"),
        ("Қасымова", "Qasymova"),
        ("Дмитрий", "Dmitriy"),
        ("Дмитрий", "Dmitrii"),
        ("Юлия", "Yuliya"),
    ],
)
def test_spellings_in_different_scripts_fold_to_one_key(spelling_a, spelling_b):
    assert search_key(spelling_a) == search_key(spelling_b)


def test_different_names_stay_different():
    assert search_key("Марат") != search_key("Мурат")


def test_query_terms_drop_punctuation_and_empty_words():
    assert query_terms("  Нұрланов,  Әлихан! ") == [search_key("Нұрланов"), search_key("Әлихан")]
    assert query_terms("---") == []
