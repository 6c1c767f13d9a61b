"""The dialogs a trainer meets: planning a session, importing a roster, walk-ins and undo, closing, role cards."""
