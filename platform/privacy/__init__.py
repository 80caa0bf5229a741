"""A person's rights under the Personal Information Protection Law, and retention (issue 22)."""
