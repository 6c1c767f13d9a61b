"""The presenter console: the agenda, the running segment, its timer and the room's votes, parts and feedback."""
