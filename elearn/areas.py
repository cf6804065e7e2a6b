"""The areas' registrations (content kinds, activity providers), imported in one place.

Importing this module registers everything; nothing is discovered by file name.
"""

from elearn.courses import services as _course_services  # noqa: F401  (theory pages as activities)
from elearn.notebooks import content as _notebook_content  # noqa: F401  (exercises in course folders)
from elearn.notebooks import tasks as _notebook_tasks  # noqa: F401  (sandboxed runs on the queue)
from elearn.quiz import catalog as _quiz_catalog  # noqa: F401  (quizzes as graded activities)
from elearn.quiz import kind as _quiz_kind  # noqa: F401  (quizzes in course folders)
from elearn.quiz import simulations as _quiz_simulations  # noqa: F401  (references run through the queue)
from elearn.quiz import tasks as _quiz_tasks  # noqa: F401  (closes overdue attempts every minute)
from elearn.sim import content as _sim_content  # noqa: F401  (the simulations a course uses)
from elearn.sim import tasks as _sim_tasks  # noqa: F401  (simulation jobs on the queue)
from elearn.sim import widget as _sim_widget  # noqa: F401  (```simulation blocks in theory pages)
