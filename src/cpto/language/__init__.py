"""Language precision: find vague wording in PRDs and decision threads and say what would make it precise.

``assess(text)`` returns findings (vague phrases with a kind and a suggestion), precise markers (dates,
quantities, names) and a score in [0, 1]; ``split_sentences`` gives the sentence spans callers score
one by one. The vocabularies and their sources are in :mod:`cpto.language.lexicon`.
"""

from cpto.language.precision import Assessment, Context, Finding, Marker, assess, split_sentences

__all__ = ["Assessment", "Context", "Finding", "Marker", "assess", "split_sentences"]
