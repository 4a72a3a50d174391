// CNumaflowMalloc is its header's inline functions; SwiftPM builds a C target from a source file.
