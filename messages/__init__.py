"""Everything the bot says: Jinja2 templates under messages/templates, rendered here only."""

from messages.render import label, render, template_names

__all__ = ["label", "render", "template_names"]
