"""Bulk import of users from a CSV file (POST /api/teacher/bulk-import/users): reading.py turns the bytes into rows,
planning.py checks them against the database and decides what to write, services.py writes it, api.py is the
endpoint."""
