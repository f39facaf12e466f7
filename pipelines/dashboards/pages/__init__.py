"""One module per dashboard page; each has ``page(data) -> Page``."""
