"""Registers the computation of every registry indicator with the engine (engine._load imports this).

outreach.py: communication, reach, training, integration, commitments.
registries.py: plans, establishments, inspections, tips, cases, hotspots.
support.py: the support registry (clients, screenings, referrals, services, outreach contacts).
"""

from . import outreach, registries, support  # noqa: F401
