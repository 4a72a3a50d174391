// A user imports one module per vertex kind; the shared types (Datum, Window, ...) come with it.
@_exported import NumaflowCore
