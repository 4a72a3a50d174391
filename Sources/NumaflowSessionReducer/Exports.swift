// A user imports one module per vertex kind; the shared types (Datum, Window, ...) come with it.
// A session's results are a reducer's messages: its event time is the session's end minus 1 ms.
@_exported import NumaflowCore

@_exported import struct NumaflowReducer.Message
