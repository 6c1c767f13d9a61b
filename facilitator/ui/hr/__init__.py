"""HR's records in the app: a window of its own over HR's store (window.py), with the due dates (due.py), importing
bundles and trusting trainers (bundles.py), and what the store holds (records.py), through the same services as
`facilitator hr`."""
