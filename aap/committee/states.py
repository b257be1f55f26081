"""A committee session's states, named once for the models and the access rules."""
PLANNED, CONVENED, OPEN, CLOSED = "planned", "convened", "open", "closed"
