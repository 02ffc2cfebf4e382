// Reports: HTML and JSON.
