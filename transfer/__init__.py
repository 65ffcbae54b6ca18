"""Import and export of the team's spreadsheets (CSV and XLSX), in documented French formats."""
