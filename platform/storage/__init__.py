"""File storage: local folder or S3."""
