"""The tokenizer: identifiers split, words stemmed, noise dropped."""

from cpto.review.text import detect_language, path_text, terms


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


def test_the_language_of_a_prd_is_told_by_its_function_words():
    italian = "Per ogni camera deve essere possibile stabilire il suo prezzo base della stagione."
    german = "Der Kunde kann die Rechnung als PDF herunterladen, wenn sie bezahlt ist."
    assert detect_language([italian]) == "italian"
    assert detect_language([german]) == "german"
    assert detect_language(["The customer downloads the invoice as a PDF."]) == "english"


def test_code_and_a_few_foreign_words_keep_a_prd_english():
    text = "Add `def prezzo_camera()` to the pricing module; la carte is the French word."
    assert detect_language([text]) == "english"


def test_a_language_stems_its_own_word_forms_together_and_drops_its_articles():
    assert terms("il prezzo delle camere", "italian") == terms("prezzi delle camere", "italian")
    assert terms("il prezzo delle camere", "italian") == ["prezz", "cam"]
    assert terms("il prezzo delle camere") == ["il", "prezzo", "dell", "camer"]  # English rules do not
