"""Renderers: one module per artifact, all fed from the same `Topic` and HTML."""
