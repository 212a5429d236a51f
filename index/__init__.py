"""Retrieval and grounded Q&A over a report's facts (to come: see the "Ask the report" issue)."""
