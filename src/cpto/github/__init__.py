"""GitHub as an evidence source: pull requests, reviews, issues, releases and deployments in the index."""
