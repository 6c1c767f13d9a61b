"""The dialogs a trainer meets: planning a session, importing a roster, walk-ins and undo, closing and sealing,
role cards, the settings, and the signing identity."""
