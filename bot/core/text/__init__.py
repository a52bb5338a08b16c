"""How residents' text is read: normalisation, language detection, figures, and redaction of personal data.

Imports nothing from the rest of the core.
"""
