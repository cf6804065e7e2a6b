"""Notebook exercises: nbgrader-format notebooks, executed in a bubblewrap sandbox, graded.

The pipeline, one small module per step: ``exercise`` (read, validate) -> ``transform``
(student copy, restore the teacher's tests) -> ``execute`` (nbclient + ipykernel inside
``sandbox``) -> ``grade`` (score per test cell) -> ``feedback`` (HTML). No Flask here: a job
calls ``grade_submission(exercise_path, submission_path, limits)`` with plain values.
"""
