"""The shell of the site: scope resolution, errors, templates."""
