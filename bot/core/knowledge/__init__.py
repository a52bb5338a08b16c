"""The content editors write: entries and categories (loader), the areas residents follow, the glossary,
and how an answer is rendered for a resident.

May import core.text and storage.
"""
