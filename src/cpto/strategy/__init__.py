"""Technical strategy: hotspots, knowledge concentration and the roadmap items that touch them."""
