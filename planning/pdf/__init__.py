"""Printed documents: the account plan as a PDF, rendered by the workers."""
