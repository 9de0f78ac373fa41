"""The demo MAS company "ABC": a MAS-like SQLite database the portal reads over ODBC."""
