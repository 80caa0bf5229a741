"""The county's comparison of its townships: rollups, charts, rankings, exports, drill-down."""
