"""quiz exam readiness, regrading, manual overrides and versions saved in the browser editor

Revision ID: 0008_quiz_exams
Revises: 0007_sim_scans
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_quiz_exams"
down_revision = "0007_sim_scans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_score_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_score", sa.Float(), nullable=True),
        sa.Column("new_score", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["quiz_attempts.id"],
            name=op.f("fk_quiz_score_changes_attempt_id_quiz_attempts"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["quiz_versions.id"],
            name=op.f("fk_quiz_score_changes_version_id_quiz_versions"), ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_quiz_score_changes_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_score_changes")),
    )
    op.create_index(op.f("ix_quiz_score_changes_attempt_id"), "quiz_score_changes", ["attempt_id"])
    # before quiz_attempts: SQLite rebuilds both tables and cascades a course deletion in table
    # order, and the attempts (RESTRICT on their version) must still go before the versions
    with op.batch_alter_table("quiz_versions") as batch_op:
        batch_op.add_column(
            sa.Column(
                "origin",
                sa.Enum("import", "web", "revert", name="revisionorigin", native_enum=False, length=16),
                nullable=False,
                server_default="import",
            )
        )
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.String(length=500), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            op.f("fk_quiz_versions_author_id_users"), "users", ["author_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.add_column(sa.Column("graded_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_quiz_attempts_graded_version_id_quiz_versions"), "quiz_versions",
            ["graded_version_id"], ["id"], ondelete="RESTRICT",
        )
    with op.batch_alter_table("quiz_responses") as batch_op:
        batch_op.add_column(sa.Column("override_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("override_comment", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_responses") as batch_op:
        batch_op.drop_column("override_comment")
        batch_op.drop_column("override_score")
    with op.batch_alter_table("quiz_versions") as batch_op:
        batch_op.drop_constraint(op.f("fk_quiz_versions_author_id_users"), type_="foreignkey")
        batch_op.drop_column("note")
        batch_op.drop_column("author_id")
        batch_op.drop_column("origin")
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_quiz_attempts_graded_version_id_quiz_versions"), type_="foreignkey"
        )
        batch_op.drop_column("graded_version_id")
    op.drop_index(op.f("ix_quiz_score_changes_attempt_id"), table_name="quiz_score_changes")
    op.drop_table("quiz_score_changes")
