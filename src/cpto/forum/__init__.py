"""``cpto serve``: the forum, one local web page per report, where product and engineering leaders read
the same evidence together. Every page is a report the CLI prints, rendered by the one HTML renderer."""
