"""The portal's shared kernel: generic helpers every app builds on; it imports no app."""
