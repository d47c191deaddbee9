"""Deliberately empty: criminal cases and sanction decisions are not in Django's admin.

Only police (full), coordinators and leaders (read-only) may see this module; the system
administrator may not (org.permissions). Registering the models here would let a superuser
bypass both that rule and the unit scoping, so every access goes through the scoped CRUD pages.
"""
