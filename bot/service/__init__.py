"""The HTTP service: FastAPI app built in a factory, parts started in its lifespan."""
