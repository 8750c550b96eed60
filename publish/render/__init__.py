"""Renderers: one module per artifact, all fed from the same `Topic` and HTML.

What each artifact is (its file, its templates, its limits, how to check it) is
declared once in `registry`; a renderer module only makes the bytes.
"""
