"""Plans in and out: MS Project XML, the formats MPXJ reads, plan TOML, CSV/XLSX, iCal."""
