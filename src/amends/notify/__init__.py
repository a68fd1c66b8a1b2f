"""Telling the people on call: alerts, the rota and escalation, and the channels each person
chooses (email, Microsoft Teams, Slack)."""
