"""Grading learners' notebooks so that the notebook cannot fool the grader.

- :mod:`~nnlib.grading.notebook` reads a lesson's exercises from its nbgrader cells and puts
  the instructor's check cells back into a submission;
- :mod:`~nnlib.grading.kernel` runs a submission in its own kernel and calls the learner's
  functions there from the grader's process;
- :mod:`~nnlib.grading.wire` is what travels between the two (JSON and ``.npy``, never pickle);
- :mod:`~nnlib.grading.grader` grades one submission: the checks run in the grader, with the
  hidden-case seed;
- :mod:`~nnlib.grading.classroom` grades a class in parallel into a gradebook CSV.

The command line is ``python -m nnlib.assignments grade`` (see :mod:`nnlib.assignments`).
What the grader cannot do: stop a learner's code from calling nnlib's own reference function
(it flags it), or isolate the learner's code from the machine (it runs as the grader's user;
use a container for untrusted work, as with nbgrader).
"""
