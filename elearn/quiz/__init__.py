"""Quizzes: authored question files, graders per question type, attempts, gradebook."""
