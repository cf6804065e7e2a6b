"""join the areas' schema branches (LTI, quizzes, simulations, notebooks) into one head

Revision ID: 0006_merge_areas
Revises: 0002_lti, 0003_quiz, 0004_sim, 0005_notebooks
"""

revision = "0006_merge_areas"
down_revision = ("0002_lti", "0003_quiz", "0004_sim", "0005_notebooks")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
