"""Reports and research extracts: the pages evaluators and coordinators read."""
