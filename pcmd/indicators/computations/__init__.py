"""Registers the computation of every registry indicator with the engine (engine._load imports this).

outreach.py: communication, reach, training, integration, commitments.
registries.py: plans, establishments, inspections, tips, cases, hotspots.
"""

from . import outreach, registries  # noqa: F401
