"""Imports of customers, offerings, sales lines and exchange rates (CSV and XLSX)."""
