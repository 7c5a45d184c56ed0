"""Product review: PRD requirements and the work that implements them."""
