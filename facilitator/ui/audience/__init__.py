"""The audience window: what the projector shows the room, and nothing else."""
