"""The areas' registrations (content kinds, activity providers), imported in one place.

Importing this module registers everything; nothing is discovered by file name.
"""

from elearn.courses import services as _course_services  # noqa: F401  (theory pages as activities)
from elearn.sim import tasks as _sim_tasks  # noqa: F401  (simulation jobs on the queue)
from elearn.sim import content as _sim_content  # noqa: F401  (the simulations a course uses)
