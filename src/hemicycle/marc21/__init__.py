"""MARC21: records and files (ISO 2709, MARCXML), below every mapping that uses them."""
