"""Proceedings: member states, meetings, voting records, votes and speeches as data."""
