"""The use cases of the training module, by life-cycle stage."""
