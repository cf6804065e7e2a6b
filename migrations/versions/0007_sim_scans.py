"""simulation scans (parameter sweeps) and per-course simulation settings

Revision ID: 0007_sim_scans
Revises: 0006_merge_areas
"""

revision = "0007_sim_scans"
down_revision = "0006_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
