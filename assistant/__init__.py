"""Question -> retrieve -> fuse -> select sentences -> an Answer whose every claim cites its passage."""
