"""Every area's models, imported so that ``Base.metadata`` is complete (Alembic, tests)."""

from elearn.auth import models as auth_models  # noqa: F401
from elearn.courses import models as course_models  # noqa: F401
from elearn.wiki import models as wiki_models  # noqa: F401
from elearn.sim import models as sim_models  # noqa: F401
