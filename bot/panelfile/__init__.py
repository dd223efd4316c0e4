"""The YAML panel file: its schema, and loading it with every problem listed in plain words.

A coordinator writes one YAML file per panel by hand. `load_panel_file` reads it and returns
a `PanelSpec`, or raises `PanelFileError` listing *every* problem at once, each with its line
number and field path, e.g.::

    panel.yaml:12: sessions[2].end: must be after the start (2027-03-04 10:00)

Paths count list items from 1, as people do: `sessions[1]` is the first session.

Pure: no Telegram and no database imports.
"""

from __future__ import annotations

from bot.panelfile.fields import SESSION_KINDS, SessionKind
from bot.panelfile.loading import load_panel_file, parse_panel_text
from bot.panelfile.problems import PanelFileError, Problem
from bot.panelfile.schema import (
    AdviceContact,
    Buying,
    Contact,
    FollowOn,
    PanelRole,
    PanelSpec,
    Payment,
    Reading,
    Session,
)

__all__ = [
    "SESSION_KINDS",
    "AdviceContact",
    "Buying",
    "Contact",
    "FollowOn",
    "PanelFileError",
    "PanelRole",
    "PanelSpec",
    "Payment",
    "Problem",
    "Reading",
    "Session",
    "SessionKind",
    "load_panel_file",
    "parse_panel_text",
]
