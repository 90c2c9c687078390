"""The Lemmy adapter: communities' posts and comments answered through the core."""
