"""Triage and bug intake: classify, extract, prioritise, ask follow-ups (pure logic)."""
