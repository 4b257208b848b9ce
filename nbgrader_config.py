"""nbgrader's settings for this course: put this file at the root of your nbgrader course
folder (beside source/, release/, submitted/) and each lesson in source/<assignment>/.
tests/test_nbgrader.py runs nbgrader 0.9.6 with this very file."""

c = get_config()  # noqa: F821 (nbgrader defines get_config when it reads this file)

c.CourseDirectory.course_id = "nnlib"

# Seconds per cell when autograde runs a submission. nbgrader's default, 30 s, is shorter
# than a training cell (lesson 07 trains for minutes on one busy core).
c.Execute.timeout = 1800
