"""The sessions screen: the planned and sealed sessions, with what each one covers."""
