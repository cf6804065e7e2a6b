"""notebook exercises, drafts and submissions

Revision ID: 0005_notebooks
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_notebooks"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notebook_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("teacher_notebook", sa.Text(), nullable=False),
        sa.Column("student_notebook", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_notebook_exercises_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_notebook_exercises_module_id_modules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebook_exercises")),
        sa.UniqueConstraint("course_id", "slug", name=op.f("uq_notebook_exercises_course_id_slug")),
    )
    op.create_index(op.f("ix_notebook_exercises_course_id"), "notebook_exercises", ["course_id"])
    op.create_table(
        "notebook_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["notebook_exercises.id"],
            name=op.f("fk_notebook_drafts_exercise_id_notebook_exercises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notebook_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebook_drafts")),
        sa.UniqueConstraint("exercise_id", "user_id", name=op.f("uq_notebook_drafts_exercise_id_user_id")),
    )
    op.create_table(
        "notebook_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("run", "submit", name="submissionkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued", "running", "done", "failed", name="submissionstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("result_html", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["notebook_exercises.id"],
            name=op.f("fk_notebook_submissions_exercise_id_notebook_exercises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notebook_submissions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebook_submissions")),
    )
    op.create_index(
        "ix_notebook_submissions_exercise_id_user_id", "notebook_submissions", ["exercise_id", "user_id"]
    )


def downgrade() -> None:
    op.drop_table("notebook_submissions")
    op.drop_table("notebook_drafts")
    op.drop_table("notebook_exercises")
