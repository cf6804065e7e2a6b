"""simulation scans (parameter sweeps) and per-course simulation settings

Revision ID: 0007_sim_scans
Revises: 0006_merge_areas
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_sim_scans"
down_revision = "0006_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulation_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("instrument", sa.String(length=200), nullable=False),
        sa.Column("parameter", sa.String(length=100), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("stop", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("ncount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_simulation_scans_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_simulation_scans_course_id_courses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_scans")),
    )
    op.create_index(op.f("ix_simulation_scans_user_id"), "simulation_scans", ["user_id"])
    with op.batch_alter_table("simulation_runs") as batch_op:
        batch_op.add_column(sa.Column("scan_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scan_point", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_simulation_runs_scan_id_simulation_scans"), "simulation_scans", ["scan_id"], ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(op.f("ix_simulation_runs_scan_id"), ["scan_id"])
    with op.batch_alter_table("course_simulations") as batch_op:
        batch_op.add_column(sa.Column("cache_never", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("course_simulations") as batch_op:
        batch_op.drop_column("cache_never")
    with op.batch_alter_table("simulation_runs") as batch_op:
        batch_op.drop_index(op.f("ix_simulation_runs_scan_id"))
        batch_op.drop_constraint(op.f("fk_simulation_runs_scan_id_simulation_scans"), type_="foreignkey")
        batch_op.drop_column("scan_point")
        batch_op.drop_column("scan_id")
    op.drop_index(op.f("ix_simulation_scans_user_id"), table_name="simulation_scans")
    op.drop_table("simulation_scans")
