"""Tests over HTTP: `teacher` (tests, keys, assignments, attempts), `student` (taking tests), `papers` (the PDF)."""
