"""The tokenizer: identifiers split, words stemmed, noise dropped."""

from cpto.review.text import path_text, terms


def test_identifiers_split_on_case_and_underscores_and_meet_prose():
    assert terms("PaymentMethodForm") == terms("payment method form")
    assert terms("payment_methods.py") == terms("payment methods")


def test_stemming_lets_plural_and_verb_forms_match():
    assert terms("refunds refunded") == terms("refund refund")


def test_function_words_and_code_keywords_are_dropped():
    assert terms("the public static void main of this class") == []


def test_acronyms_followed_by_words_split_before_the_last_capital():
    assert terms("HTTPServerError") == terms("server error")


def test_paths_read_as_words():
    assert path_text("api/checkout/guest_flow.py") == "api checkout guest flow py"
