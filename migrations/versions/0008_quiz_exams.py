"""quiz exam readiness, regrading and manual overrides

Revision ID: 0008_quiz_exams
Revises: 0007_sim_scans
"""

revision = "0008_quiz_exams"
down_revision = "0007_sim_scans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
