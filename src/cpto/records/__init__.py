"""Leadership records kept as plain files in git: people, decisions, incidents, the roadmap."""
