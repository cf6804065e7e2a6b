"""Every area's models, imported so that ``Base.metadata`` is complete (Alembic, tests)."""

from elearn.auth import models as auth_models  # noqa: F401
from elearn.courses import models as course_models  # noqa: F401
from elearn.lti import models as lti_models  # noqa: F401
from elearn.notebooks import models as notebook_models  # noqa: F401
from elearn.quiz import models as quiz_models  # noqa: F401
from elearn.sim import models as sim_models  # noqa: F401
from elearn.wiki import models as wiki_models  # noqa: F401
