"""How residents' text is read: normalisation, language detection, figures, and redaction of personal data;
and how it is written into a spreadsheet (spreadsheet.py: never as a formula).

Imports nothing from the rest of the core.
"""
