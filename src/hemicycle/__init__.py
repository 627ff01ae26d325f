"""Hemicycle: a digital library for the documents of deliberative bodies."""
