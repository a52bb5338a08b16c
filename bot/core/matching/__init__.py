"""Finding the entry a question asks for, and how sure we are: reading a question, the index, the ranker,
its learned model and training, the engine that joins them, the answer policy and the evaluation on a
labelled set.

May import core.knowledge and core.text.
"""
