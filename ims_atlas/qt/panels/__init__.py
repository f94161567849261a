"""Side panels of the main window. They talk to the app state, never to actors."""
