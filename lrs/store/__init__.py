"""The event-sourced core: the application, its recorders, transcoder and database."""
