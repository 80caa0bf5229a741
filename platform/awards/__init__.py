"""评先 (四十佳): adoption marks (采纳), the county's yearly selection, the honour roll."""
