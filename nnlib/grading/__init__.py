"""Grading learners' notebooks so that the notebook cannot fool the grader.

See :mod:`nnlib.grading.notebook` for how the exercises are read from a lesson.
"""
