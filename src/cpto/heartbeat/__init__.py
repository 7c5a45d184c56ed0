"""Heartbeat: the weekly report of delivery, effort, tech debt, incidents and decisions."""
