"""Budgets and their notifications."""
