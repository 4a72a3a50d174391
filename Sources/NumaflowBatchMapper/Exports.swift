// A user imports one module per vertex kind; the shared types come with it. A batch mapper
// reads and writes the same messages as a mapper.
@_exported import NumaflowCore

@_exported import struct NumaflowMapper.Message
