// A user imports one module per vertex kind; the shared types come with it.
@_exported import NumaflowCore
