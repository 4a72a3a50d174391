// A user imports one module per vertex kind; the shared types come with it. A reduce streamer
// reads and writes what a reducer does.
@_exported import NumaflowCore

@_exported import struct NumaflowReducer.Datums
@_exported import struct NumaflowReducer.Message
