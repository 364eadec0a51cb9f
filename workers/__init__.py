"""Everything that runs in Celery: tasks and the extraction pipeline."""
