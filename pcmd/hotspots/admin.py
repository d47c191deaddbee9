"""Deliberately empty: hotspots are edited through the scoped CRUD pages only.

Their status changes only through services.hotspot_transition (dated events, rules, re-emergence
counting); an admin form would let a superuser change the status without leaving a trace.
"""
