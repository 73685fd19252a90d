"""Reports: files made from the catalogue for people who count and check (statistics, inspection sheets and their
summaries)."""
