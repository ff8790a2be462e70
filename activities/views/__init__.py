"""Activity pages. Thin: a form parses, a service acts, then redirect."""
