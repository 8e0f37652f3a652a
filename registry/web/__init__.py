"""Web layer: blueprints by audience, the error handlers and the security headers."""
