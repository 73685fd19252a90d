"""Tools for the people who edit content: scaffolds for new files, a content lint, a citizen-facing review diff,
and staleness and ownership reports. They read the same loaded and validated tree as the build."""
