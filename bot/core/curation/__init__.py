"""Keeping the knowledge base right: `kb check`, the knowledge base as served (files plus editors' rows),
clustering of unanswered questions, editors' actions on them, export of those rows into the files, and
statistics with their chart.

May import core.matching, core.knowledge, core.text, core.roles and storage.
"""
