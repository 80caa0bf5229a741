"""The stages of this part's life cycle, one file each; `service.py` is their public face:
callers (API, pages, tasks, other parts) import the service, never a stage."""
