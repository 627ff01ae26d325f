"""COUNTER R5.1 usage statistics: events spooled by the web app, processed into daily
counts (robots out, double clicks once, unique per session), reported as PR, PR_P1
and IR in COUNTER JSON and TSV, and served over SUSHI.
"""
