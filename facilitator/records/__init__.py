"""Records that must stand up later: the attendance hash chain, and (later) signing, sealing and bundles."""
