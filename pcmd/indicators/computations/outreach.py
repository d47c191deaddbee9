"""Outreach and capacity indicators (see engine.py for the contract)."""
