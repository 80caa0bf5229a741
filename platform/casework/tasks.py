"""Celery tasks of casework: the due-soon and overdue reminder sweep."""
