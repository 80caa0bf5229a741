"""A township's data it can take away: `lianxin township export SLUG` and the county's page."""
