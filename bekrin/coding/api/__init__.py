"""Coding over HTTP, split by who calls it: `teacher` (roles teacher and admin) and `student`."""
