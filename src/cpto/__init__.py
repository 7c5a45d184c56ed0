"""cpto: one evidence-backed picture of product, design and engineering."""

__version__ = "0.1.0"
