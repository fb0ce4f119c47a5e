"""Bulk import of users from a CSV file (POST /api/teacher/bulk-import/users): reading.py turns the bytes into rows,
services.py plans and writes the import, api.py is the endpoint."""
